import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requirement } from '@test/support/requirement.js';
import { run } from '../../shell/run-command.js';
import { newLabPrefix } from '../kit/index.js';
import { LAB_TOOLS, labPrerequisitesMissing } from '../run-lab.js';
import { inRecordedLab } from './lab-frame.js';
import { onOneLinkSpec } from './healthy-lab-support.js';

const missing = labPrerequisitesMissing();
const canRun = requirement(
  `root and ${LAB_TOOLS.join(', ')} (missing: ${missing.join(', ') || 'none'})`,
  missing.length === 0,
);

const outDir = mkdtempSync(path.join(tmpdir(), 'nmlab-frame-'));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe.skipIf(!canRun)('the lab variant frame on this kernel', () => {
  it('restores the rulesets before the body and removes the namespaces when the body fails', async () => {
    const prefix = newLabPrefix();
    const topology = onOneLinkSpec(99, { ns: 'client', host: 10 }, { ns: 'pod', host: 20 });
    const rules = {
      pod: '*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -p tcp --dport 9 -j DROP\nCOMMIT\n',
    };
    let seen = '';
    const failed = inRecordedLab({ prefix, outDir, log: () => {} }, { topology, rules }, (lab) => {
      seen = run(['ip', 'netns', 'exec', lab.ns('pod'), 'iptables-save']);
      return Promise.reject(new Error('body failed'));
    });
    await expect(failed).rejects.toThrow('body failed');
    expect(seen).toContain('-A INPUT -p tcp -m tcp --dport 9 -j DROP');
    expect(run(['ip', 'netns', 'list'])).not.toContain(prefix);
  }, 30_000);
});
