import { describe, expect, it } from 'vitest';
import { BUILTIN_ROOT_CAUSES, CATALOGUE_VERSION, findBuiltinRootCause } from './catalogue.js';

// The ids PRODUCT.md promises to tools; removing or renaming one breaks them.
const CONTRACT_IDS = [
  'conntrack-expiry-rebalance',
  'ct-invalid-not-natted-rst',
  'stateful-fw-halfclose-drop',
  'sidecar-halfclose-leak',
  'ephemeral-port-collision-challenge-ack',
  'tls-close-notify-unread-rst',
  'keepalive-idle-race',
  'conntrack-table-full',
  'snat-port-collision',
];

describe('built-in catalogue', () => {
  it('should carry every contract id', () => {
    expect(BUILTIN_ROOT_CAUSES.map((entry) => entry.id)).toEqual(
      expect.arrayContaining(CONTRACT_IDS),
    );
  });

  it('should give every entry symptoms a person would recognise', () => {
    for (const entry of BUILTIN_ROOT_CAUSES) {
      expect(entry.symptoms.length, entry.id).toBeGreaterThan(0);
      expect(entry.summary.length, entry.id).toBeGreaterThan(60);
    }
  });

  it('should look entries up by id and version the whole catalogue', () => {
    expect(findBuiltinRootCause('conntrack-table-full')?.title).toBe('Conntrack table full');
    expect(findBuiltinRootCause('no-such-cause')).toBeUndefined();
    expect(CATALOGUE_VERSION).toMatch(/^[0-9a-f]{12}$/);
  });
});
