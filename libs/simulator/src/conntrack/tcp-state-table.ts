import { TcpFlag } from '@netmortem/domain';
import { TCP_CONNTRACK_STATES, type TcpConntrackState } from '../model/index.js';

/**
 * TCP conntrack states as small integers, in the kernel's order (it matters: "state below
 * TIME_WAIT" is a test the tracker makes). INVALID and IGNORE are table outcomes, not states.
 */
export const S = {
  NONE: 0,
  SYN_SENT: 1,
  SYN_RECV: 2,
  ESTABLISHED: 3,
  FIN_WAIT: 4,
  CLOSE_WAIT: 5,
  LAST_ACK: 6,
  TIME_WAIT: 7,
  CLOSE: 8,
  SYN_SENT2: 9,
  INVALID: 10,
  IGNORE: 11,
} as const;
export type StateCode = (typeof S)[keyof typeof S];

/** By state code: the order of TCP_CONNTRACK_STATES is the kernel's enum order. */
export const STATE_NAMES: readonly TcpConntrackState[] = TCP_CONNTRACK_STATES;

export function stateCode(name: TcpConntrackState): number {
  return STATE_NAMES.indexOf(name);
}

/** Which flags decide the transition; RST wins over SYN, SYN over FIN, FIN over ACK. */
export const PacketClass = { SYN: 0, SYNACK: 1, FIN: 2, ACK: 3, RST: 4, NONE: 5 } as const;
export type PacketClassCode = (typeof PacketClass)[keyof typeof PacketClass];

export function packetClass(flags: number): PacketClassCode {
  if (flags & TcpFlag.RST) return PacketClass.RST;
  if (flags & TcpFlag.SYN) return flags & TcpFlag.ACK ? PacketClass.SYNACK : PacketClass.SYN;
  if (flags & TcpFlag.FIN) return PacketClass.FIN;
  if (flags & TcpFlag.ACK) return PacketClass.ACK;
  return PacketClass.NONE;
}

/**
 * Flag combinations conntrack accepts at all (after masking PSH, ECE and CWR, which are always
 * fine). Anything else is INVALID before any state is looked at.
 */
const VALID_FLAG_COMBINATIONS: ReadonlySet<number> = new Set([
  TcpFlag.SYN,
  TcpFlag.SYN | TcpFlag.URG,
  TcpFlag.SYN | TcpFlag.ACK,
  TcpFlag.RST,
  TcpFlag.RST | TcpFlag.ACK,
  TcpFlag.FIN | TcpFlag.ACK,
  TcpFlag.FIN | TcpFlag.ACK | TcpFlag.URG,
  TcpFlag.ACK,
  TcpFlag.ACK | TcpFlag.URG,
]);

export function validFlagCombination(flags: number): boolean {
  return VALID_FLAG_COMBINATIONS.has(flags & ~(TcpFlag.PSH | TcpFlag.ECE | TcpFlag.CWR) & 0xff);
}

/*
 * The transition grid, [direction][packet class][current state] -> next state. Each row below
 * lists the outcome for the current states in kernel order:
 *   NO SS SR ES FW CW LA TW CL S2
 * Codes: two letters of the target state, IV = invalid, IG = ignore (let through, no update).
 * Why some cells are what they are:
 *  - original SYN in ES..LA is ignored: the firewall may be out of sync with the endpoints,
 *    the receiver answers a bad SYN with a (challenge) ACK or RST that resynchronises us;
 *  - SYN in TIME_WAIT/CLOSE (either direction for TW) reopens: the entry is killed and the
 *    packet looked up again, creating a fresh entry;
 *  - reply ACK in SYN_SENT/SYN_SENT2 is ignored (a half-open peer or a challenge ACK);
 *  - LAST_ACK + ACK -> TIME_WAIT unless it is a challenge ACK to a SYN we let through;
 *  - a packet with none of SYN/FIN/ACK/RST is always invalid.
 */
const GRID_TEXT: readonly (readonly string[])[] = [
  [
    /* original syn    */ 'SS SS IG IG IG IG IG SS SS S2',
    /* original synack */ 'IV IV SR IV IV IV IV IV IV SR',
    /* original fin    */ 'IV IV FW FW LA LA LA TW CL IV',
    /* original ack    */ 'ES IV ES ES CW CW TW TW CL IV',
    /* original rst    */ 'IV CL CL CL CL CL CL CL CL CL',
    /* original none   */ 'IV IV IV IV IV IV IV IV IV IV',
  ],
  [
    /* reply syn       */ 'IV S2 IV IV IV IV IV SS IV S2',
    /* reply synack    */ 'IV SR IG IG IG IG IG IG IG SR',
    /* reply fin       */ 'IV IV FW FW LA LA LA TW CL IV',
    /* reply ack       */ 'IV IG SR ES CW CW TW TW CL IG',
    /* reply rst       */ 'IV CL CL CL CL CL CL CL CL CL',
    /* reply none      */ 'IV IV IV IV IV IV IV IV IV IV',
  ],
];

const CODE: Readonly<Record<string, number>> = {
  NO: S.NONE,
  SS: S.SYN_SENT,
  SR: S.SYN_RECV,
  ES: S.ESTABLISHED,
  FW: S.FIN_WAIT,
  CW: S.CLOSE_WAIT,
  LA: S.LAST_ACK,
  TW: S.TIME_WAIT,
  CL: S.CLOSE,
  S2: S.SYN_SENT2,
  IV: S.INVALID,
  IG: S.IGNORE,
};

/** Flattened for a single indexed read per packet: (dir * 6 + class) * 10 + state. */
const GRID: Uint8Array = (() => {
  const grid = new Uint8Array(2 * 6 * 10);
  GRID_TEXT.forEach((rows, dir) =>
    rows.forEach((row, cls) =>
      row.split(' ').forEach((cell, state) => {
        const code = CODE[cell];
        if (code === undefined) throw new Error(`bad transition cell ${cell}`);
        grid[(dir * 6 + cls) * 10 + state] = code;
      }),
    ),
  );
  return grid;
})();

/** dir: 0 original, 1 reply. */
export function nextState(dir: 0 | 1, cls: PacketClassCode, state: number): number {
  return GRID[(dir * 6 + cls) * 10 + state] ?? S.INVALID;
}
