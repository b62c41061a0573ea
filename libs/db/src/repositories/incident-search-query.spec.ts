import { describe, expect, it } from 'vitest';
import { escapeLikePattern, toPrefixTsQuery } from './incident-search-query.js';

describe(toPrefixTsQuery.name, () => {
  it('should match every word as a prefix', () => {
    expect(toPrefixTsQuery('Conn  RESET')).toBe('conn:* & reset:*');
  });

  it('should drop tsquery syntax and punctuation so no input can break the query', () => {
    expect(toPrefixTsQuery("port-forward & !drops | 'x':*")).toBe(
      'port:* & forward:* & drops:* & x:*',
    );
    expect(toPrefixTsQuery(' &|!():* ')).toBeNull();
  });

  it('should keep letters beyond ASCII and cap the number of words', () => {
    expect(toPrefixTsQuery('Verbindungsabbrüche')).toBe('verbindungsabbrüche:*');
    expect(toPrefixTsQuery('a b c d', 2)).toBe('a:* & b:*');
  });
});

describe(escapeLikePattern.name, () => {
  it('should escape LIKE wildcards and the escape character', () => {
    expect(escapeLikePattern('100%_done\\')).toBe('100\\%\\_done\\\\');
  });
});
