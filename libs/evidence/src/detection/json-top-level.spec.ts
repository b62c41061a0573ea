import { describe, expect, it } from 'vitest';
import { scanTopLevelJson } from './json-top-level.js';

describe('scanTopLevelJson', () => {
  it('lists top-level keys and string values, not nested ones', () => {
    const json = scanTopLevelJson(
      '{"kind":"netmortem-manifest","scope":{"node":"n1"},"commands":[{"version":"1"}],"n":3}',
    );
    expect([...json!.keys]).toEqual(['kind', 'scope', 'commands', 'n']);
    expect(json!.stringValues.get('kind')).toBe('netmortem-manifest');
    expect(json!.stringValues.has('n')).toBe(false);
    expect(json!.truncated).toBe(false);
  });

  it('handles escaped quotes and structural characters inside strings', () => {
    const json = scanTopLevelJson('{"a":"x\\"}:,{[","b\\\\":1,"c":"\\\\"}');
    expect([...json!.keys]).toEqual(['a', 'b\\\\', 'c']);
    expect(json!.stringValues.get('c')).toBe('\\\\');
  });

  it('reads the keys before a cut and says the document was cut', () => {
    const json = scanTopLevelJson(
      '{\n  "netmortem": {"collector": "0.1.0"},\n  "commands": [\n    {"argv": ["ss", "-t',
    );
    expect([...json!.keys]).toEqual(['netmortem', 'commands']);
    expect(json!.truncated).toBe(true);
  });

  it('stops at the end of the first object of a JSON-lines log', () => {
    expect([...scanTopLevelJson('{"level":"info"}\n{"other":1}')!.keys]).toEqual(['level']);
  });

  it('ignores anything that is not an object document', () => {
    expect(scanTopLevelJson('[1,2]')).toBeUndefined();
    expect(scanTopLevelJson('  \n')).toBeUndefined();
    expect(scanTopLevelJson('key: value')).toBeUndefined();
  });
});
