import { SeededRandom } from './seeded-random.js';
import type { TcpSequence } from './segment-sequence.js';
import { FamilyContext, type SequenceDraft } from './families/family-context.js';
import { handshakeFamily } from './families/handshake.family.js';
import {
  ackBoundsFamily,
  dataTransferFamily,
  outOfWindowFamily,
  retransmissionFamily,
} from './families/data.family.js';
import { finOrderFamily, halfCloseFamily, rstFamily } from './families/closing.family.js';
import { challengeAckFamily, synReuseFamily } from './families/reuse.family.js';
import { midStreamFamily } from './families/pickup.family.js';
import { sackFamily, windowScaleFamily } from './families/options.family.js';
import { maxRetransFamily, timeoutFamily } from './families/timeout.family.js';
import { natFamily } from './families/nat.family.js';
import { edgeFuzzFamily } from './families/edge-fuzz.family.js';
import { notrackFamily } from './families/notrack.family.js';

/** The seed of the suite the CI runs and the fixture records. */
export const DEFAULT_SUITE_SEED = 0x6e6d6466;

export type FamilyGenerator = (ctx: FamilyContext) => SequenceDraft[];

/** Every family, by the name that prefixes its sequence ids. */
export const FAMILIES: Readonly<Record<string, FamilyGenerator>> = {
  handshake: (ctx) => handshakeFamily(ctx),
  data: (ctx) => dataTransferFamily(ctx),
  'out-of-window': (ctx) => outOfWindowFamily(ctx),
  'ack-bounds': (ctx) => ackBoundsFamily(ctx),
  retransmission: (ctx) => retransmissionFamily(ctx),
  rst: (ctx) => rstFamily(ctx),
  'fin-order': (ctx) => finOrderFamily(ctx),
  'half-close': (ctx) => halfCloseFamily(ctx),
  'syn-reuse': (ctx) => synReuseFamily(ctx),
  'challenge-ack': (ctx) => challengeAckFamily(ctx),
  'mid-stream': (ctx) => midStreamFamily(ctx),
  'window-scale': (ctx) => windowScaleFamily(ctx),
  sack: (ctx) => sackFamily(ctx),
  timeout: (ctx) => timeoutFamily(ctx),
  'max-retrans': (ctx) => maxRetransFamily(ctx),
  nat: (ctx) => natFamily(ctx),
  'edge-fuzz': (ctx) => edgeFuzzFamily(ctx),
  notrack: (ctx) => notrackFamily(ctx),
};

/**
 * The whole suite for one seed: each family draws its parameters from its own stream (so
 * adding a family does not reshuffle the others), and all share one port allocator.
 */
export function generateSuite(seed = DEFAULT_SUITE_SEED): TcpSequence[] {
  const sequences: TcpSequence[] = [];
  let basePort = 20000;
  let familyIndex = 0;
  for (const [family, generate] of Object.entries(FAMILIES)) {
    const ctx = new FamilyContext(new SeededRandom(seed + familyIndex * 0x9e3779b9), basePort);
    familyIndex += 1;
    const drafts = generate(ctx);
    const perVariant = new Map<string, number>();
    for (const { variant, ...draft } of drafts) {
      const n = (perVariant.get(variant) ?? 0) + 1;
      perVariant.set(variant, n);
      sequences.push({ id: `${family}/${variant}-${n}`, family, ...draft });
    }
    basePort += drafts.length;
  }
  return sequences;
}
