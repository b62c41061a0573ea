import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectBundleEvidence, type BundleArtifact } from './bundle-evidence.js';

const RETINA = fileURLToPath(
  new URL(
    '../layouts/__fixtures__/retina-capture-aks-nodepool1-12345678-vmss000000-20250101120000UTC/',
    import.meta.url,
  ),
);
const ROOT = path.dirname(RETINA.replace(/\/$/, ''));

function filesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    return entry.isDirectory() ? filesUnder(full) : [full];
  });
}

function artifactsOf(folder: string): BundleArtifact[] {
  return filesUnder(folder)
    .sort()
    .map((file) => ({
      path: path.relative(ROOT, file),
      sizeBytes: statSync(file).size,
      open: () =>
        Promise.resolve(
          (async function* () {
            yield await Promise.resolve(readFileSync(file));
          })(),
        ),
    }));
}

// A Retina capture tarball, unpacked as it is: no file was renamed for netmortem.
describe(collectBundleEvidence.name, () => {
  it('should read a Retina capture folder as the evidence it holds', async () => {
    const evidence = await collectBundleEvidence(artifactsOf(RETINA));
    const sysctl = evidence.sysctls.find((set) => set.locator.artifact.endsWith('proc-sys-net'));
    expect(sysctl?.values['net.netfilter.nf_conntrack_tcp_be_liberal']).toBeDefined();
    expect(sysctl?.values['net.ipv4.tcp_keepalive_time']).toMatch(/^\d+$/);
    expect(evidence.rulesets.length).toBeGreaterThan(0);
    expect(evidence.sockets.length).toBeGreaterThan(0);
    expect(evidence.conntrackEntries.length).toBeGreaterThan(0);
    expect(evidence.counters.length).toBeGreaterThan(0);
    expect(evidence.captures).toHaveLength(1);
    const reports = Object.fromEntries(
      evidence.artifacts.map((report) => [report.path.split('/').slice(1).join('/'), report]),
    );
    expect(reports['proc-sys-net/ipv4/tcp_keepalive_time']).toMatchObject({
      kind: 'sysctl',
      status: 'parsed',
    });
    expect(reports['proc-net/dev']).toMatchObject({ status: 'skipped' });
  });
});
