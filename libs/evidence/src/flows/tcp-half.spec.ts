import { describe, expect, it } from 'vitest';
import { TcpHalf } from './tcp-half.js';

describe(TcpHalf.name, () => {
  it('should reset to exactly the state of a new instance (flow states are reused)', () => {
    const used = new TcpHalf();
    for (const key of Object.keys(used) as (keyof TcpHalf)[]) {
      const value = used[key];
      if (typeof value === 'number') Object.assign(used, { [key]: 12345 });
      else if (typeof value === 'boolean') Object.assign(used, { [key]: !value });
      else if (typeof value === 'string') Object.assign(used, { [key]: 'x' });
    }
    used.recent.fill(7);
    used.reset();
    expect({ ...used, recent: Array.from(used.recent) }).toEqual({
      ...new TcpHalf(),
      recent: Array.from(new TcpHalf().recent),
    });
  });
});
