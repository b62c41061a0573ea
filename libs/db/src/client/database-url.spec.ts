import { describe, expect, it } from 'vitest';
import { databaseNameOf, redactDatabaseUrl, withDatabaseName } from './database-url.js';

describe('database URLs', () => {
  it('should read and replace the database name', () => {
    expect(databaseNameOf('postgres://u:p@h:5432/netmortem?sslmode=disable')).toBe('netmortem');
    expect(databaseNameOf('postgres://h')).toBe('postgres');
    expect(withDatabaseName('postgres://u:p@h:5432/a?x=1', 'b')).toBe(
      'postgres://u:p@h:5432/b?x=1',
    );
  });

  it('should never print a password', () => {
    expect(redactDatabaseUrl('postgres://u:s3cret@h/db')).toBe('postgres://u:***@h/db');
    expect(redactDatabaseUrl('not a url')).toBe('<unparseable DATABASE_URL>');
  });
});
