/**
 * Kernel-version behaviour of the TCP conntrack tracker.
 *
 * Where profiles differ (my reading of the upstream history; versions are the mainline release
 * that first carried the change. Distribution and stable kernels backport some of these, so a
 * `5.15.0-xx-generic` may already behave like a newer profile: override with the CLI when known):
 *
 * | flag                       | since | change (commit subject as I understand it)                                   |
 * |----------------------------|-------|-------------------------------------------------------------------------------|
 * | honoursIgnoreInvalidRst    | 5.14  | "netfilter: conntrack: add new sysctl to disable RST check": the sysctl        |
 * |                            |       | nf_conntrack_tcp_ignore_invalid_rst exists; before, a RST below the peer's     |
 * |                            |       | highest ACK is always "invalid rst".                                           |
 * | inexactRstKeepsState       | 5.14  | "netfilter: conntrack: tcp: only close if RST matches exact sequence": an      |
 * |                            |       | in-window RST whose seq is not the expected one leaves an ASSURED ESTABLISHED  |
 * |                            |       | entry ESTABLISHED (the peer will answer with a challenge ACK); before, any     |
 * |                            |       | in-window RST moved the entry to CLOSE.                                        |
 * | staleSegmentsIgnored       | 6.1   | "netfilter: conntrack: ignore overly delayed tcp packets": SEQ under the lower |
 * |                            |       | bound and ACK under the lower bound are let through without updating state     |
 * |                            |       | (ctinfo unchanged) instead of being INVALID; log lines gained the bound value  |
 * |                            |       | ("SEQ is over upper bound N (...)"); before, all four window failures were     |
 * |                            |       | INVALID with the "... the upper bound ..." wording.                            |
 * | exceededWindowWorkaround   | 6.1   | "netfilter: conntrack: work around exceeded receive window": data overshooting |
 * |                            |       | the receiver window by at most one window, with a sane ACK, is ignored (not    |
 * |                            |       | INVALID) and td_end still advances ("N bytes more than expected").             |
 * | invalidFinRstShrinksTimer  | 6.1   | "netfilter: conntrack: reduce timeout when receiving out-of-window fin or rst":|
 * |                            |       | an INVALID FIN/RST answering the other side's FIN/RST on an ASSURED entry      |
 * |                            |       | lowers its timer to the unacknowledged timeout.                                |
 * | challengeAckRstAccepted    | 6.2   | RST/challenge-ACK handling during connection reuse: a reply-direction ACK that |
 * |                            |       | is ignored in SYN_SENT (an RFC 5961 challenge ACK from a stale socket) is      |
 * |                            |       | remembered and the client's RST whose seq equals that ACK skips the window     |
 * |                            |       | check and moves the entry to CLOSE; RSTs in closing states skip the checks;    |
 * |                            |       | td_maxack is not trusted after a SYN was let through. Before 6.2 that RST is   |
 * |                            |       | "SEQ is over the upper bound" INVALID and the stale socket never sees it       |
 * |                            |       | (catalogue: ephemeral-port-collision-challenge-ack).                           |
 * | synRetransmitKeepsTimer    | 6.2*  | "do not renew timeout on SYN retransmit": an unreplied SYN_SENT entry keeps    |
 * |                            |       | its first timer; and a picked-up (loose) ESTABLISHED entry without a reply is  |
 * |                            |       | capped at the unacknowledged timeout. (*approximate version: 2023 changes.)    |
 *
 * Log wording follows staleSegmentsIgnored: newer kernels print the bound ("SEQ is over upper
 * bound N (...)") and "packet (index i) in dir d invalid, state S"; older ones "SEQ is over the
 * upper bound (...)" and "invalid state".
 *
 * Modelled the same in every profile (approximations, checked only against the newest kernel):
 * the zero-window RETRANS timer, re-initialising a direction on a SYN with a higher sequence in
 * SYN_SENT/SYN_RECV, and the UDP rule "stream only when traffic continues 2 s after creation".
 *
 * Unparseable or absent releases get the newest profile (this machine's kernel is the one the
 * model is checked against, and current distributions ship >= 6.2).
 */
export type KernelProfileId = 'pre-5.14' | '5.14-6.1' | '6.2+';

export interface KernelBehaviour {
  readonly honoursIgnoreInvalidRst: boolean;
  readonly inexactRstKeepsState: boolean;
  readonly staleSegmentsIgnored: boolean;
  readonly exceededWindowWorkaround: boolean;
  readonly invalidFinRstShrinksTimer: boolean;
  readonly challengeAckRstAccepted: boolean;
  readonly synRetransmitKeepsTimer: boolean;
}

export interface KernelProfile extends KernelBehaviour {
  readonly id: KernelProfileId;
  readonly label: string;
  /** The release the flags were derived from (`major.minor`), or the profile's representative. */
  readonly version: readonly [number, number];
}

type Version = readonly [number, number];

const SINCE: Readonly<Record<keyof KernelBehaviour, Version>> = {
  honoursIgnoreInvalidRst: [5, 14],
  inexactRstKeepsState: [5, 14],
  staleSegmentsIgnored: [6, 1],
  exceededWindowWorkaround: [6, 1],
  invalidFinRstShrinksTimer: [6, 1],
  challengeAckRstAccepted: [6, 2],
  synRetransmitKeepsTimer: [6, 2],
};

function atLeast(version: Version, since: Version): boolean {
  return version[0] > since[0] || (version[0] === since[0] && version[1] >= since[1]);
}

function profileIdOf(version: Version): KernelProfileId {
  if (!atLeast(version, [5, 14])) return 'pre-5.14';
  if (!atLeast(version, [6, 2])) return '5.14-6.1';
  return '6.2+';
}

function buildProfile(version: Version, label: string): KernelProfile {
  const flags = {} as Record<keyof KernelBehaviour, boolean>;
  for (const key of Object.keys(SINCE) as (keyof KernelBehaviour)[])
    flags[key] = atLeast(version, SINCE[key]);
  return Object.freeze({ id: profileIdOf(version), label, version, ...flags });
}

/** Representatives: 5.10 (last LTS before 5.14), 5.15 (Ubuntu 22.04, many node images), newest. */
const REPRESENTATIVE: Readonly<Record<KernelProfileId, Version>> = {
  'pre-5.14': [5, 10],
  '5.14-6.1': [5, 15],
  '6.2+': [6, 18],
};

const BY_ID: Readonly<Record<KernelProfileId, KernelProfile>> = {
  'pre-5.14': buildProfile(REPRESENTATIVE['pre-5.14'], 'Linux before 5.14 (as 5.10)'),
  '5.14-6.1': buildProfile(REPRESENTATIVE['5.14-6.1'], 'Linux 5.14 to 6.1 (as 5.15)'),
  '6.2+': buildProfile(REPRESENTATIVE['6.2+'], 'Linux 6.2 and later (as 6.18)'),
};

export const KERNEL_PROFILE_IDS: readonly KernelProfileId[] = ['pre-5.14', '5.14-6.1', '6.2+'];

export function isKernelProfileId(value: string): value is KernelProfileId {
  return (KERNEL_PROFILE_IDS as readonly string[]).includes(value);
}

export function kernelProfileById(id: KernelProfileId): KernelProfile {
  return BY_ID[id];
}

/**
 * The profile for a release string (`5.15.0-91-generic`, `6.1.55-cos`, `Linux node 6.8.0 ...`).
 * Flags follow the exact `major.minor`, so a 6.1 kernel is in the '5.14-6.1' profile yet has the
 * 6.1 window changes. Unparseable -> the newest profile.
 */
export function kernelProfileFor(release: string): KernelProfile {
  const match = /(?:^|[^\d.])(\d+)\.(\d+)(?:[.\-+~_]|$)/.exec(` ${release.trim()}`);
  if (!match) return BY_ID['6.2+'];
  const version: Version = [Number(match[1]), Number(match[2])];
  if (version[0] < 2 || version[0] > 99) return BY_ID['6.2+'];
  return buildProfile(version, `Linux ${version[0]}.${version[1]}`);
}
