import type { SeededRandom } from '../seeded-random.js';
import type { SideOptions } from '../conversation.builder.js';
import { LAB_ADDRESSES } from '../lab-addresses.js';
import type { Endpoint, NatSetup, SegmentSpec, TcpSequence } from '../segment-sequence.js';

const NF = 'net.netfilter.nf_conntrack_tcp_';

/** Timeouts in seconds, short enough to expire within a test and far enough apart to tell apart. */
export const SHRUNK_TIMEOUTS = {
  syn_sent: 2,
  syn_recv: 2,
  established: 6,
  fin_wait: 2,
  close_wait: 2,
  last_ack: 2,
  time_wait: 2,
  close: 2,
  max_retrans: 2,
  unacknowledged: 4,
} as const;

/**
 * The settings the suite runs under. A small menu on purpose: sequences sharing settings run
 * in one kernel batch, so every extra combination costs a pass.
 */
export const SETTINGS = {
  default: {},
  liberal: { [`${NF}be_liberal`]: '1' },
  strictPickup: { [`${NF}loose`]: '0' },
  ignoreInvalidRst: { [`${NF}ignore_invalid_rst`]: '1' },
  maxRetrans1: { [`${NF}max_retrans`]: '1' },
  shrunk: shrunkTimeouts({}),
  shrunkStrictPickup: shrunkTimeouts({ [`${NF}loose`]: '0' }),
  shrunkMaxRetrans1: shrunkTimeouts({ [`${NF}max_retrans`]: '1' }),
} as const satisfies Record<string, Record<string, string>>;

function shrunkTimeouts(extra: Record<string, string>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, seconds] of Object.entries(SHRUNK_TIMEOUTS))
    values[`${NF}timeout_${name}`] = String(seconds);
  return { ...values, ...extra };
}

export type SettingsName = keyof typeof SETTINGS;

/** A sequence before the suite numbers it. */
export type SequenceDraft = Omit<TcpSequence, 'id' | 'family'> & { readonly variant: string };

export interface DraftInput {
  readonly variant: string;
  readonly description: string;
  readonly settings: SettingsName;
  readonly segments: readonly SegmentSpec[];
  readonly ipVersion?: 4 | 6;
  readonly nat?: (server: Endpoint) => NatSetup;
  readonly rawRules?: (client: Endpoint, server: Endpoint) => readonly string[];
  /** Send to the VIP instead of the server (NAT families). */
  readonly toVip?: boolean;
}

/** Allocates distinct port pairs and ISNs so that every sequence is its own flow. */
export class FamilyContext {
  private nextPort = 0;

  constructor(
    readonly rng: SeededRandom,
    private readonly basePort = 20000,
  ) {}

  draft(input: DraftInput): SequenceDraft {
    const ipVersion = input.ipVersion ?? (this.rng.bool(0.25) ? 6 : 4);
    const plan = LAB_ADDRESSES[ipVersion];
    const n = this.nextPort++;
    const client = { address: plan.client, port: this.basePort + n };
    const server = {
      address: input.toVip ? plan.vip : plan.server,
      port: this.basePort + 20000 + n,
    };
    return {
      variant: input.variant,
      description: input.description,
      ipVersion,
      client,
      server,
      clientIsn: this.rng.u32(),
      serverIsn: this.rng.u32(),
      sysctls: SETTINGS[input.settings],
      ...(input.nat === undefined ? {} : { nat: input.nat(server) }),
      ...(input.rawRules === undefined ? {} : { rawRules: input.rawRules(client, server) }),
      segments: input.segments,
    };
  }

  /** Options of a plausible stack: a window, an MSS, maybe scaling, SACK and timestamps. */
  side(overrides: Partial<SideOptions> = {}): SideOptions {
    const r = this.rng;
    const windowScale = r.bool(0.6) ? r.int(0, 9) : undefined;
    return {
      window: r.int(4000, 65535),
      mss: r.pick([536, 1220, 1400, 1460]),
      ...(windowScale === undefined ? {} : { windowScale }),
      sackPermitted: r.bool(0.7),
      timestamps: r.bool(0.5),
      ...overrides,
    };
  }
}
