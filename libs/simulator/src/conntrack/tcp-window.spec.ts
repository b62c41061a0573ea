import type { Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ConntrackTable, type TrackVerdict } from './conntrack-table.js';
import { kernelProfileById, type KernelProfileId } from './kernel-profile.js';
import { type ConntrackSettings, DEFAULT_CONNTRACK_SETTINGS } from './settings.js';
import { SyntheticTcpFlow } from './synthetic-packet.js';

const SEC = 1_000_000;

function newTable(
  profile: KernelProfileId = '6.2+',
  overrides: Partial<ConntrackSettings> = {},
): ConntrackTable {
  return new ConntrackTable({
    settings: {
      ...DEFAULT_CONNTRACK_SETTINGS,
      ...overrides,
      tcp: { ...DEFAULT_CONNTRACK_SETTINGS.tcp, ...overrides.tcp },
    },
    profile: kernelProfileById(profile),
  });
}

function pass(table: ConntrackTable, packet: Packet, nowUs = 0): TrackVerdict {
  const verdict = table.track(packet, nowUs);
  if (verdict.created && verdict.entry) table.confirm(verdict.entry, nowUs);
  return verdict;
}

const flow = new SyntheticTcpFlow(
  { address: '192.0.2.10', port: 51000 },
  { address: '198.51.100.20', port: 443 },
);

/**
 * Handshake with ISNs 1000 (client) and 5000 (server). `scale` given: both SYNs carry window
 * scale `scale` (the server's only when serverScales); `sack`: both SYNs permit SACK.
 */
function handshake(
  table: ConntrackTable,
  opts: { scale?: number; serverScales?: boolean; sack?: boolean; window?: number } = {},
): void {
  const window = opts.window ?? 1000;
  const clientOptions = { windowScale: opts.scale, sackPermitted: opts.sack ?? false, mss: 1460 };
  const serverOptions = {
    windowScale: opts.serverScales === false ? undefined : opts.scale,
    sackPermitted: opts.sack ?? false,
    mss: 1460,
  };
  pass(table, flow.fromClient('S', 1000, 0, { window, options: clientOptions }));
  pass(table, flow.fromServer('S.', 5000, 1001, { window, options: serverOptions }));
  pass(table, flow.fromClient('.', 1001, 5001, { window }));
}

describe('TCP window tracking', () => {
  it('scales advertised windows when both SYNs carried the option', () => {
    const table = newTable();
    handshake(table, { scale: 7 });
    // 512 << 7 = 65536 bytes the client may send beyond the server's ACK.
    pass(table, flow.fromServer('.', 5001, 1001, { window: 512 }));
    const inWindow = pass(
      table,
      flow.fromClient('P.', 1001 + 60_000, 5001, { window: 512, payload: 1000 }),
    );
    expect(inWindow.ctinfo).toBe('ESTABLISHED');
    expect(inWindow.invalidReason).toBeUndefined();
    expect(inWindow.ignored).toBeUndefined();
  });

  it('ignores the scale option when only one side sent it: windows are raw bytes', () => {
    const table = newTable('pre-5.14');
    handshake(table, { scale: 7, serverScales: false, window: 512 });
    pass(table, flow.fromServer('.', 5001, 1001, { window: 512 }));
    // The client may only send up to 1001 + 512.
    const over = pass(
      table,
      flow.fromClient('P.', 1001 + 600, 5001, { window: 512, payload: 100 }),
    );
    expect(over).toMatchObject({
      ctinfo: 'INVALID',
      invalidReason: 'SEQ is over the upper bound (over the window of the receiver)',
    });
  });

  it('from 6.1, data overshooting the window by less than a window is ignored, not INVALID', () => {
    const table = newTable('6.2+');
    handshake(table, { scale: 7, serverScales: false, window: 512 });
    pass(table, flow.fromServer('.', 5001, 1001, { window: 512 }));
    const over = pass(
      table,
      flow.fromClient('P.', 1001 + 600, 5001, { window: 512, payload: 100 }),
    );
    expect(over.ctinfo).toBe('ESTABLISHED');
    // end = 1701 + 1 - maxend 1513 = 189
    expect(over.ignored).toBe('189 bytes more than expected');
    // td_end moved: the server may now acknowledge that data without "ACK is over upper bound".
    const ack = pass(table, flow.fromServer('.', 5001, 1701, { window: 512 }));
    expect(ack.ctinfo).toBe('ESTABLISHED');
    expect(ack.invalidReason).toBeUndefined();
  });

  it('data far beyond the window is INVALID with the upper bound in the reason', () => {
    const table = newTable('6.2+');
    handshake(table, { scale: 7 });
    pass(table, flow.fromServer('.', 5001, 1001, { window: 512 }));
    const far = pass(
      table,
      flow.fromClient('P.', 1001 + 300_000, 5001, { window: 512, payload: 100 }),
    );
    // maxend = 1001 + (512 << 7) = 66537; the bound printed is maxend + 1.
    expect(far).toMatchObject({
      ctinfo: 'INVALID',
      invalidReason: 'SEQ is over upper bound 66538 (over the window of the receiver)',
    });
    expect(far.judgedBy).toBeDefined();
  });

  it('an ACK for data never sent is INVALID', () => {
    const table = newTable();
    handshake(table);
    const ack = pass(table, flow.fromClient('.', 1001, 5001 + 1000));
    expect(ack).toMatchObject({
      ctinfo: 'INVALID',
      invalidReason: 'ACK is over upper bound 5002 (ACKed data not seen yet)',
    });
    const old = newTable('pre-5.14');
    handshake(old);
    expect(pass(old, flow.fromClient('.', 1001, 5001 + 1000)).invalidReason).toBe(
      'ACK is over the upper bound (ACKed data not seen yet)',
    );
  });

  it('SACK blocks extend the ACK only when the receiver permitted SACK', () => {
    for (const sack of [true, false]) {
      const table = newTable();
      handshake(table, { sack, window: 20_000 });
      pass(table, flow.fromServer('P.', 5001, 1001, { window: 20_000, payload: 1000 }));
      pass(table, flow.fromServer('P.', 6001, 1001, { window: 20_000, payload: 1000 }));
      // SACK of data the server sent: fine either way.
      const seenSack = pass(
        table,
        flow.fromClient('.', 1001, 5001, {
          window: 20_000,
          options: { sackBlocks: [[6001, 7001]] },
        }),
      );
      expect(seenSack.ctinfo).toBe('ESTABLISHED');
      // SACK of data the server never sent: over the upper bound only if SACK is in use.
      const ghost = pass(
        table,
        flow.fromClient('.', 1001, 5001, {
          window: 20_000,
          options: { sackBlocks: [[7001, 8001]] },
        }),
      );
      expect(ghost.ctinfo, `sack=${sack}`).toBe(sack ? 'INVALID' : 'ESTABLISHED');
    }
  });

  it('old data retransmitted below the window: ignored from 6.1, INVALID before', () => {
    for (const [profile, ctinfo] of [
      ['6.2+', 'ESTABLISHED'],
      ['pre-5.14', 'INVALID'],
    ] as const) {
      const table = newTable(profile);
      handshake(table, { window: 1000 });
      for (let seq = 1001; seq < 4001; seq += 1000) {
        pass(table, flow.fromClient('P.', seq, 5001, { window: 1000, payload: 1000 }));
        pass(table, flow.fromServer('.', 5001, seq + 1000, { window: 1000 }));
      }
      // end 1101 <= td_end 4001 - receiver max window 1000 - 1
      const stale = pass(table, flow.fromClient('P.', 1001, 5001, { window: 1000, payload: 100 }));
      expect(stale.ctinfo, profile).toBe(ctinfo);
      if (ctinfo === 'INVALID') {
        expect(stale.invalidReason).toBe(
          'SEQ is under the lower bound (already ACKed data retransmitted)',
        );
      } else {
        expect(stale.ignored).toBe(
          'SEQ is under lower bound 3000 (already ACKed data retransmitted)',
        );
      }
    }
  });

  it('nf_conntrack_tcp_be_liberal accepts out-of-window segments and still follows the state', () => {
    const table = newTable('6.2+', { beLiberal: true });
    handshake(table, { scale: 7 });
    const far = pass(table, flow.fromClient('P.', 1001 + 300_000, 5001, { payload: 100 }));
    expect(far.ctinfo).toBe('ESTABLISHED');
    expect(far.invalidReason).toBeUndefined();
    const farFin = pass(table, flow.fromClient('F.', 1001 + 400_000, 5001));
    expect(farFin.stateAfter).toBe('FIN_WAIT');
  });
});

describe('retransmissions', () => {
  it('arms the max_retrans timer after max_retrans identical segments, unacknowledged before', () => {
    const table = newTable('6.2+', {
      tcp: { ...DEFAULT_CONNTRACK_SETTINGS.tcp, retrans: 100, unacknowledged: 200 },
    });
    handshake(table, { window: 20_000 });
    const timers: string[] = [];
    for (let i = 0; i < 4; i++) {
      const v = pass(
        table,
        flow.fromClient('P.', 1001, 5001, { window: 20_000, payload: 500 }),
        i * SEC,
      );
      timers.push(v.entry?.timerState ?? '');
    }
    // First send + 3 retransmissions; the 3rd retransmission reaches max_retrans = 3.
    expect(timers).toEqual(['UNACKNOWLEDGED', 'UNACKNOWLEDGED', 'UNACKNOWLEDGED', 'RETRANS']);
    const acked = pass(table, flow.fromServer('.', 5001, 1501, { window: 20_000 }), 5 * SEC);
    expect(acked.entry?.timerState).toBe('ESTABLISHED');
  });

  it('a zero window arms the shorter retransmission timeout', () => {
    const table = newTable();
    handshake(table, { window: 20_000 });
    const zero = pass(table, flow.fromServer('.', 5001, 1001, { window: 0 }));
    expect(zero.entry?.timerState).toBe('RETRANS');
  });
});

describe('mid-stream pickup', () => {
  it('with tcp_loose=0 a non-SYN packet without entry is INVALID and creates nothing', () => {
    const table = newTable('6.2+', { loose: false });
    const v = pass(table, flow.fromClient('P.', 123_456, 789, { payload: 10 }));
    expect(v).toMatchObject({ ctinfo: 'INVALID', created: false });
    expect(table.size).toBe(0);
  });

  it('with tcp_loose=1 it is picked up as ESTABLISHED, liberal, ASSURED after a reply and one more packet', () => {
    const table = newTable();
    const first = pass(table, flow.fromClient('P.', 123_456, 789, { payload: 10 }));
    expect(first).toMatchObject({ ctinfo: 'NEW', created: true, stateAfter: 'ESTABLISHED' });
    // No 5-day timer for a picked-up flow without reply: its first packet fails the ACK bound
    // (nothing seen the other way), is accepted liberally without updating the tracker, so the
    // recorded last window is still zero and the 300 s retransmission timeout applies.
    expect(first.entry?.timerState).toBe('RETRANS');
    expect(first.entry?.expiresUs).toBe(300 * SEC);
    const reply = pass(table, flow.fromServer('.', 789, 123_466));
    expect(reply).toMatchObject({ ctinfo: 'ESTABLISHED', direction: 'reply' });
    expect(reply.entry?.assured).toBe(false);
    const next = pass(table, flow.fromClient('.', 123_466, 789));
    expect(next.entry?.assured).toBe(true);
    // Window scale is unknown for a picked-up flow: tracking stays liberal.
    const wild = pass(table, flow.fromClient('P.', 999_999_999, 789, { payload: 10 }));
    expect(wild.ctinfo).toBe('ESTABLISHED');
  });
});
