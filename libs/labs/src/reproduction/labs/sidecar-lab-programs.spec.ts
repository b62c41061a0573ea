import { describe, expect, it } from 'vitest';
import { endpointField, portOf } from './sidecar-lab-programs.js';

describe('sidecar lab program events', () => {
  it('reads an ip:port field of a control event', () => {
    expect(endpointField({ event: 'connected', local: '10.78.141.2:40710' }, 'local')).toBe(
      '10.78.141.2:40710',
    );
    expect(portOf('10.78.141.2:40710')).toBe(40710);
  });

  it('names the event and field that lack an endpoint', () => {
    expect(() => endpointField({ event: 'failed', local: undefined }, 'local')).toThrow(
      'event failed has no local endpoint',
    );
    expect(() => endpointField({ event: 'connected', local: '10.78.141.2' }, 'local')).toThrow();
  });
});
