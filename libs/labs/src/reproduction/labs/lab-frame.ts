import { ArtifactRecorder, LabTopology, type LabContext, type TopologySpec } from '../kit/index.js';

/** The namespaces a variant records in, and the rulesets they start with. */
export interface LabSetup {
  readonly topology: TopologySpec;
  /** iptables-save text per namespace, restored before the recorder notes its kernel-log start. */
  readonly rules?: Readonly<Record<string, string>>;
}

/**
 * The life cycle every lab variant shares: build the namespaces, put the rulesets in place,
 * hand the body a recorder for the bundle, and tear the namespaces down however the body ends.
 */
export async function inRecordedLab<T>(
  ctx: LabContext,
  setup: LabSetup,
  body: (lab: LabTopology, recorder: ArtifactRecorder) => Promise<T>,
): Promise<T> {
  const lab = LabTopology.create(ctx.prefix, setup.topology);
  try {
    for (const [role, rules] of Object.entries(setup.rules ?? {})) lab.iptablesRestore(role, rules);
    return await body(lab, new ArtifactRecorder(lab, ctx.outDir));
  } finally {
    lab.close();
  }
}
