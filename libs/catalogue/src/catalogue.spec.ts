import { describe, expect, it } from 'vitest';
import { BUILTIN_ROOT_CAUSES, CATALOGUE_VERSION, findBuiltinRootCause } from './catalogue.js';
import { catalogueProblems } from './entry-validation.js';

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

// Added beyond PRODUCT.md's table (issue 5); their labs use these ids too.
const ADDED_IDS = ['listen-queue-overflow', 'pmtu-blackhole'];

function entry(id: string) {
  const found = findBuiltinRootCause(id);
  if (!found) throw new Error(`no catalogue entry ${id}`);
  return found;
}

describe('built-in catalogue', () => {
  it('should carry every contract id', () => {
    expect(BUILTIN_ROOT_CAUSES.map((e) => e.id)).toEqual(expect.arrayContaining(CONTRACT_IDS));
  });

  it('should carry the entries added beyond the contract', () => {
    expect(BUILTIN_ROOT_CAUSES.map((e) => e.id)).toEqual(expect.arrayContaining(ADDED_IDS));
    expect(BUILTIN_ROOT_CAUSES).toHaveLength(CONTRACT_IDS.length + ADDED_IDS.length);
  });

  it('should pass its own validation', () => {
    expect(catalogueProblems(BUILTIN_ROOT_CAUSES)).toEqual([]);
  });

  it('should give every entry symptoms, a mechanism and a signature a person can act on', () => {
    for (const e of BUILTIN_ROOT_CAUSES) {
      expect(e.symptoms.length, e.id).toBeGreaterThanOrEqual(3);
      expect(e.mechanism.length, e.id).toBeGreaterThanOrEqual(3);
      expect(e.signatures.length, e.id).toBeGreaterThanOrEqual(3);
      expect(e.summary.length, e.id).toBeGreaterThan(60);
    }
  });

  it('should offer the remediation ids findings and reviews point at', () => {
    const options = (id: string) => entry(id).remediation.map((o) => o.id);
    expect(options('ct-invalid-not-natted-rst')).toEqual(
      expect.arrayContaining(['drop-invalid', 'istio-invalid-drop', 'be-liberal']),
    );
    expect(options('conntrack-expiry-rebalance')).toContain('keepalive-below-timeout');
    expect(options('ephemeral-port-collision-challenge-ack')).toContain(
      'kernel-with-challenge-ack-fix',
    );
  });

  it('should state the what-if of the fixes the simulator can prove', () => {
    const whatIf = (id: string, option: string) =>
      entry(id).remediation.find((o) => o.id === option)?.whatIf;
    expect(whatIf('ct-invalid-not-natted-rst', 'be-liberal')?.settings).toEqual({
      'net.netfilter.nf_conntrack_tcp_be_liberal': '1',
    });
    expect(whatIf('ct-invalid-not-natted-rst', 'drop-invalid')?.addRules).toEqual([
      { table: 'mangle', line: '-I PREROUTING -m conntrack --ctstate INVALID -j DROP' },
    ]);
    expect(
      whatIf('conntrack-expiry-rebalance', 'keepalive-below-timeout')?.keepalive,
    ).toMatchObject({
      side: 'client',
      shorterThan: 'net.netfilter.nf_conntrack_tcp_timeout_established',
    });
    expect(
      whatIf('ephemeral-port-collision-challenge-ack', 'kernel-with-challenge-ack-fix')?.kernel,
    ).toBe('6.2+');
  });

  it('should look entries up by id and version the whole catalogue', () => {
    expect(findBuiltinRootCause('conntrack-table-full')?.title).toBe('Conntrack table full');
    expect(findBuiltinRootCause('no-such-cause')).toBeUndefined();
    expect(CATALOGUE_VERSION).toMatch(/^[0-9a-f]{12}$/);
  });
});
