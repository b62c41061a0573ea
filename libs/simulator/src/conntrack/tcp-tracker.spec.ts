import type { Packet } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { ConntrackTable, type TrackVerdict } from './conntrack-table.js';
import { kernelProfileById, type KernelProfileId } from './kernel-profile.js';
import { type ConntrackSettings, DEFAULT_CONNTRACK_SETTINGS } from './settings.js';
import { SyntheticTcpFlow } from './synthetic-packet.js';

const SEC = 1_000_000;
const HANDSHAKE_OPTIONS = { windowScale: 7, sackPermitted: true, mss: 1460 };

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

/** Track, then confirm what the packet created (the packet survives the ruleset). */
function pass(table: ConntrackTable, packet: Packet, nowUs = 0): TrackVerdict {
  const verdict = table.track(packet, nowUs);
  if (verdict.created && verdict.entry) table.confirm(verdict.entry, nowUs);
  return verdict;
}

function newFlow(): SyntheticTcpFlow {
  return new SyntheticTcpFlow(
    { address: '10.0.0.1', port: 40000 },
    { address: '10.0.0.2', port: 80 },
  );
}

/** Client ISN 1000, server ISN 5000, both with window scale 7 and SACK. */
function establish(
  table: ConntrackTable,
  flow: SyntheticTcpFlow,
  window = 502,
  t = 0,
): [TrackVerdict, TrackVerdict, TrackVerdict] {
  return [
    pass(table, flow.fromClient('S', 1000, 0, { window: 64240, options: HANDSHAKE_OPTIONS }), t),
    pass(
      table,
      flow.fromServer('S.', 5000, 1001, { window: 65160, options: HANDSHAKE_OPTIONS }),
      t,
    ),
    pass(table, flow.fromClient('.', 1001, 5001, { window }), t),
  ];
}

describe('TCP tracker: handshakes', () => {
  it('walks NONE -> SYN_SENT -> SYN_RECV -> ESTABLISHED, NEW until the reply, ASSURED on the third packet', () => {
    const table = newTable();
    const flow = newFlow();
    const [syn, synAck, ack] = establish(table, flow);
    expect(syn).toMatchObject({
      ctinfo: 'NEW',
      created: true,
      direction: 'original',
      stateBefore: 'NONE',
      stateAfter: 'SYN_SENT',
    });
    expect(synAck).toMatchObject({
      ctinfo: 'ESTABLISHED',
      direction: 'reply',
      stateBefore: 'SYN_SENT',
      stateAfter: 'SYN_RECV',
    });
    expect(ack).toMatchObject({
      ctinfo: 'ESTABLISHED',
      direction: 'original',
      stateAfter: 'ESTABLISHED',
    });
    const entry = ack.entry!;
    expect(entry.assured).toBe(true);
    expect(entry.seenReply).toBe(true);
    expect(entry.timerState).toBe('ESTABLISHED');
    expect(entry.expiresUs).toBe(432_000 * SEC);
  });

  it('keeps the original direction NEW while no reply has been seen (SYN retransmissions)', () => {
    const table = newTable();
    const flow = newFlow();
    pass(table, flow.fromClient('S', 1000, 0, { options: HANDSHAKE_OPTIONS }), 0);
    const again = pass(
      table,
      flow.fromClient('S', 1000, 0, { options: HANDSHAKE_OPTIONS }),
      1 * SEC,
    );
    expect(again).toMatchObject({
      ctinfo: 'NEW',
      created: false,
      stateBefore: 'SYN_SENT',
      stateAfter: 'SYN_SENT',
    });
  });

  it('does not renew the SYN_SENT timer on a retransmitted SYN from 6.2, but did before', () => {
    for (const [profile, expected] of [
      ['6.2+', 120 * SEC],
      ['pre-5.14', 121 * SEC],
    ] as const) {
      const table = newTable(profile);
      const flow = newFlow();
      pass(table, flow.fromClient('S', 1000), 0);
      const again = pass(table, flow.fromClient('S', 1000), 1 * SEC);
      expect(again.entry?.expiresUs, profile).toBe(expected);
    }
  });

  it('tracks a simultaneous open through SYN_SENT2', () => {
    const table = newTable();
    const flow = newFlow();
    pass(table, flow.fromClient('S', 1000));
    const crossingSyn = pass(table, flow.fromServer('S', 5000));
    expect(crossingSyn).toMatchObject({
      ctinfo: 'ESTABLISHED',
      direction: 'reply',
      stateAfter: 'SYN_SENT2',
    });
    const firstSynAck = pass(table, flow.fromClient('S.', 1000, 5001));
    expect(firstSynAck.stateAfter).toBe('SYN_RECV');
    // The other side's SYN-ACK finds SYN_RECV: a reply SYN-ACK there is ignored, not invalid.
    const secondSynAck = pass(table, flow.fromServer('S.', 5000, 1001));
    expect(secondSynAck.ctinfo).toBe('ESTABLISHED');
    expect(secondSynAck.ignored).toContain('ignored, state SYN_RECV');
    expect(secondSynAck.stateAfter).toBe('SYN_RECV');
    const finalAck = pass(table, flow.fromClient('.', 1001, 5001));
    expect(finalAck.stateAfter).toBe('ESTABLISHED');
    expect(finalAck.entry?.assured).toBe(true);
  });

  it('finishes a simultaneous open on the reply-side ACK thanks to the SYN_SENT2 mark', () => {
    const table = newTable();
    const flow = newFlow();
    pass(table, flow.fromClient('S', 1000));
    pass(table, flow.fromServer('S', 5000));
    pass(table, flow.fromClient('S.', 1000, 5001));
    // Without the mark a reply ACK would leave SYN_RECV as is.
    expect(pass(table, flow.fromServer('.', 5001, 1001)).stateAfter).toBe('ESTABLISHED');
  });

  it('refuses to open an entry with a SYN-ACK, FIN or RST', () => {
    const table = newTable();
    const flow = newFlow();
    for (const flags of ['S.', 'F.', 'R', 'R.']) {
      const verdict = pass(table, flow.fromClient(flags, 1000, 1));
      expect(verdict.ctinfo, flags).toBe('INVALID');
      expect(verdict.created).toBe(false);
    }
    expect(table.size).toBe(0);
  });

  it('marks impossible flag combinations INVALID on any entry', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    const synFin = pass(table, flow.fromClient('SF', 1001, 5001));
    expect(synFin).toMatchObject({
      ctinfo: 'INVALID',
      invalidReason: 'invalid tcp flag combination',
    });
    const none = pass(table, flow.fromClient('', 1001, 0));
    expect(none.ctinfo).toBe('INVALID');
  });
});

describe('TCP tracker: closing', () => {
  it('client closes first: FIN_WAIT, CLOSE_WAIT, LAST_ACK, TIME_WAIT with their timers', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    const fin = pass(table, flow.fromClient('F.', 1001, 5001));
    expect(fin.stateAfter).toBe('FIN_WAIT');
    expect(fin.entry?.timerState).toBe('FIN_WAIT');
    const finAcked = pass(table, flow.fromServer('.', 5001, 1002));
    expect(finAcked.stateAfter).toBe('CLOSE_WAIT');
    expect(finAcked.entry?.expiresUs).toBe(60 * SEC);
    const serverFin = pass(table, flow.fromServer('F.', 5001, 1002));
    expect(serverFin.stateAfter).toBe('LAST_ACK');
    expect(serverFin.entry?.expiresUs).toBe(30 * SEC);
    const lastAck = pass(table, flow.fromClient('.', 1002, 5002));
    expect(lastAck.stateAfter).toBe('TIME_WAIT');
    expect(lastAck.entry?.expiresUs).toBe(120 * SEC);
  });

  it('simultaneous close goes FIN_WAIT -> LAST_ACK -> TIME_WAIT', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    expect(pass(table, flow.fromClient('F.', 1001, 5001)).stateAfter).toBe('FIN_WAIT');
    expect(pass(table, flow.fromServer('F.', 5001, 1001)).stateAfter).toBe('LAST_ACK');
    expect(pass(table, flow.fromClient('.', 1002, 5002)).stateAfter).toBe('TIME_WAIT');
  });

  it('a half-closed flow stays in CLOSE_WAIT while the other side keeps sending', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    pass(table, flow.fromServer('F.', 5001, 1001));
    pass(table, flow.fromClient('.', 1001, 5002));
    const data = pass(table, flow.fromClient('P.', 1001, 5002, { payload: 100 }));
    expect(data).toMatchObject({ ctinfo: 'ESTABLISHED', stateAfter: 'CLOSE_WAIT' });
  });

  it('a SYN on a TIME_WAIT entry kills it and opens a new one (either side may reopen)', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    pass(table, flow.fromClient('F.', 1001, 5001));
    pass(table, flow.fromServer('F.', 5001, 1002));
    const oldEntry = pass(table, flow.fromClient('.', 1002, 5002)).entry!;
    const reopen = pass(table, flow.fromClient('S', 900_000, 0, { options: HANDSHAKE_OPTIONS }));
    expect(reopen).toMatchObject({
      ctinfo: 'NEW',
      created: true,
      stateBefore: 'NONE',
      stateAfter: 'SYN_SENT',
    });
    expect(reopen.replaced).toBe(oldEntry);
    expect(reopen.entry?.id).not.toBe(oldEntry.id);
    expect(table.size).toBe(1);

    // The same from the server side: the new entry's original direction is the server's.
    const table2 = newTable();
    establish(table2, flow);
    pass(table2, flow.fromClient('F.', 1001, 5001));
    pass(table2, flow.fromServer('F.', 5001, 1002));
    pass(table2, flow.fromClient('.', 1002, 5002));
    const reversed = pass(table2, flow.fromServer('S', 700_000));
    expect(reversed.created).toBe(true);
    expect(reversed.entry?.original.src).toBe('10.0.0.2');
  });

  it('after a server RST, a client SYN is only let through and the SYN-ACK resyncs the entry', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    expect(pass(table, flow.fromServer('R', 5001)).stateAfter).toBe('CLOSE');
    const syn = pass(table, flow.fromClient('S', 2_000_000, 0, { options: HANDSHAKE_OPTIONS }));
    expect(syn).toMatchObject({ ctinfo: 'ESTABLISHED', created: false, stateAfter: 'CLOSE' });
    expect(syn.ignored).toContain('ignored, state CLOSE');
    const synAck = pass(
      table,
      flow.fromServer('S.', 8000, 2_000_001, { options: HANDSHAKE_OPTIONS }),
    );
    expect(synAck).toMatchObject({
      ctinfo: 'ESTABLISHED',
      stateBefore: 'SYN_SENT',
      stateAfter: 'SYN_RECV',
    });
    expect(pass(table, flow.fromClient('.', 2_000_001, 8001)).stateAfter).toBe('ESTABLISHED');
  });

  it('after the client aborts with a RST, its next SYN reopens at once', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    pass(table, flow.fromClient('R', 1001));
    const syn = pass(table, flow.fromClient('S', 3_000_000));
    expect(syn.created).toBe(true);
    expect(syn.replaced).toBeDefined();
  });

  it('a challenge ACK to a SYN in LAST_ACK is not taken for the last ACK', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    pass(table, flow.fromClient('F.', 1001, 5001));
    pass(table, flow.fromServer('.', 5001, 1002));
    pass(table, flow.fromServer('F.', 5001, 1002));
    expect(pass(table, flow.fromClient('S', 4_000_000)).ignored).toContain('state LAST_ACK');
    const challenge = pass(table, flow.fromServer('.', 5002, 1002));
    expect(challenge).toMatchObject({
      ctinfo: 'ESTABLISHED',
      stateAfter: 'LAST_ACK',
      ignored: 'challenge-ack ignored',
    });
  });
});

describe('TCP tracker: RST variants', () => {
  it('a RST answering a SYN (closed port) is ESTABLISHED and destroys the entry', () => {
    const table = newTable();
    const flow = newFlow();
    pass(table, flow.fromClient('S', 1000, 0, { options: HANDSHAKE_OPTIONS }));
    const rst = pass(table, flow.fromServer('R.', 0, 1001, { window: 0 }));
    expect(rst).toMatchObject({
      ctinfo: 'ESTABLISHED',
      direction: 'reply',
      stateAfter: 'CLOSE',
      destroyed: true,
    });
    expect(table.size).toBe(0);
  });

  it('a RST with the expected sequence closes an established entry with the CLOSE timer', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow, 502, 0);
    const rst = pass(table, flow.fromServer('R', 5001), 5 * SEC);
    expect(rst).toMatchObject({ ctinfo: 'ESTABLISHED', stateAfter: 'CLOSE' });
    expect(rst.entry?.timerState).toBe('CLOSE');
    expect(rst.entry?.expiresUs).toBe(15 * SEC);
  });

  it('a RST below what the peer already acknowledged is INVALID ("invalid rst")', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    pass(table, flow.fromServer('P.', 5001, 1001, { payload: 1000 }));
    pass(table, flow.fromClient('.', 1001, 6001));
    const rst = pass(table, flow.fromServer('R', 5500));
    expect(rst).toMatchObject({
      ctinfo: 'INVALID',
      invalidReason: 'invalid rst',
      stateBefore: 'ESTABLISHED',
      stateAfter: 'ESTABLISHED',
    });
    // No conntrack attached to the packet (NAT skipped), but we say which entry judged it.
    expect(rst.entry).toBeUndefined();
    expect(rst.judgedBy?.tcpState).toBe('ESTABLISHED');
  });

  it('nf_conntrack_tcp_ignore_invalid_rst lets that RST through from 5.14 only', () => {
    for (const [profile, ctinfo] of [
      ['6.2+', 'ESTABLISHED'],
      ['5.14-6.1', 'ESTABLISHED'],
      ['pre-5.14', 'INVALID'],
    ] as const) {
      const table = newTable(profile, { ignoreInvalidRst: true });
      const flow = newFlow();
      establish(table, flow);
      pass(table, flow.fromServer('P.', 5001, 1001, { payload: 1000 }));
      pass(table, flow.fromClient('.', 1001, 6001));
      const rst = pass(table, flow.fromServer('R', 5500));
      expect(rst.ctinfo, profile).toBe(ctinfo);
      if (ctinfo === 'ESTABLISHED') {
        // Not the exact sequence: the entry stays ESTABLISHED but only for the CLOSE timeout.
        expect(rst.stateAfter).toBe('ESTABLISHED');
        expect(rst.entry?.timerState).toBe('CLOSE');
      }
    }
  });

  it('an in-window RST with an inexact sequence keeps ESTABLISHED from 5.14 (challenge ACK expected), closed before', () => {
    for (const [profile, state] of [
      ['6.2+', 'ESTABLISHED'],
      ['pre-5.14', 'CLOSE'],
    ] as const) {
      const table = newTable(profile);
      const flow = newFlow();
      establish(table, flow);
      const rst = pass(table, flow.fromServer('R', 5001 + 3000));
      expect(rst.ctinfo, profile).toBe('ESTABLISHED');
      expect(rst.stateAfter, profile).toBe(state);
    }
  });

  it('be_liberal does not rescue a RST below what the peer acknowledged', () => {
    const table = newTable('6.2+', { beLiberal: true });
    const flow = newFlow();
    establish(table, flow);
    pass(table, flow.fromServer('P.', 5001, 1001, { payload: 1000 }));
    pass(table, flow.fromClient('.', 1001, 6001));
    expect(pass(table, flow.fromServer('R', 5500)).invalidReason).toBe('invalid rst');
  });

  it('a RST right after the same side’s data (RST train) closes the entry', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    pass(table, flow.fromServer('P.', 5001, 1001, { payload: 19 }));
    const rst = pass(table, flow.fromServer('R', 5020));
    expect(rst.stateAfter).toBe('CLOSE');
  });

  it('a RST far outside the window is INVALID', () => {
    const table = newTable();
    const flow = newFlow();
    establish(table, flow);
    const rst = pass(table, flow.fromServer('R', 5001 + 50_000_000));
    expect(rst.ctinfo).toBe('INVALID');
    expect(rst.invalidReason).toMatch(
      /^SEQ is over upper bound \d+ \(over the window of the receiver\)$/,
    );
  });

  it('port reuse: the client RST answering a challenge ACK passes from 6.2, is INVALID before', () => {
    for (const [profile, ctinfo, state] of [
      ['6.2+', 'ESTABLISHED', 'CLOSE'],
      ['5.14-6.1', 'INVALID', 'SYN_SENT'],
    ] as const) {
      const table = newTable(profile);
      const flow = newFlow();
      pass(table, flow.fromClient('S', 1000, 0, { options: HANDSHAKE_OPTIONS }));
      // A stale server socket (FIN-WAIT-2 of an earlier connection) answers with a challenge ACK.
      const challenge = pass(table, flow.fromServer('.', 7000, 99_999));
      expect(challenge.ctinfo).toBe('ESTABLISHED');
      expect(challenge.ignored).toContain('ignored, state SYN_SENT');
      const rst = pass(table, flow.fromClient('R', 99_999));
      expect(rst.ctinfo, profile).toBe(ctinfo);
      expect(rst.stateAfter, profile).toBe(state);
      if (ctinfo === 'INVALID') {
        expect(rst.invalidReason).toBe(
          'SEQ is over the upper bound (over the window of the receiver)',
        );
      }
    }
  });
});

describe('TCP tracker: ignored packets and resynchronisation', () => {
  it('a retransmitted SYN-ACK in SYN_RECV is let through unchanged (ESTABLISHED, not INVALID)', () => {
    const table = newTable();
    const flow = newFlow();
    pass(table, flow.fromClient('S', 1000, 0, { options: HANDSHAKE_OPTIONS }));
    pass(table, flow.fromServer('S.', 5000, 1001, { options: HANDSHAKE_OPTIONS }));
    const again = pass(table, flow.fromServer('S.', 5000, 1001, { options: HANDSHAKE_OPTIONS }));
    expect(again).toMatchObject({
      ctinfo: 'ESTABLISHED',
      stateBefore: 'SYN_RECV',
      stateAfter: 'SYN_RECV',
    });
    expect(again.ignored).toBe('packet (index 1) in dir 1 ignored, state SYN_RECV');
  });

  it('a new SYN on an ESTABLISHED entry (port reuse) is ignored, and the SYN-ACK proving it resyncs', () => {
    const table = newTable();
    const flow = newFlow();
    const [, , ack] = establish(table, flow);
    const entry = ack.entry!;
    const syn = pass(table, flow.fromClient('S', 7_000_000, 0, { options: HANDSHAKE_OPTIONS }));
    expect(syn).toMatchObject({
      ctinfo: 'ESTABLISHED',
      created: false,
      stateAfter: 'ESTABLISHED',
      entry,
    });
    const synAck = pass(
      table,
      flow.fromServer('S.', 9_000_000, 7_000_001, { options: HANDSHAKE_OPTIONS }),
    );
    expect(synAck).toMatchObject({ stateBefore: 'SYN_SENT', stateAfter: 'SYN_RECV', entry });
    // A SYN-ACK that does not answer the remembered SYN stays ignored.
    const table2 = newTable();
    establish(table2, flow);
    pass(table2, flow.fromClient('S', 7_000_000));
    const stray = pass(table2, flow.fromServer('S.', 9_000_000, 123));
    expect(stray.ignored).toContain('ignored, state ESTABLISHED');
  });

  it('from 6.1 an invalid FIN answered by an invalid RST shortens an assured entry to the unacknowledged timeout', () => {
    for (const [profile, timer] of [
      ['6.2+', 'UNACKNOWLEDGED'],
      ['5.14-6.1', 'ESTABLISHED'],
    ] as const) {
      const table = newTable(profile);
      const flow = newFlow();
      const entry = establish(table, flow)[2].entry!;
      expect(pass(table, flow.fromClient('F.', 1001 + 90_000_000, 5001), SEC).ctinfo).toBe(
        'INVALID',
      );
      expect(pass(table, flow.fromServer('R', 5001 + 90_000_000), 2 * SEC).ctinfo).toBe('INVALID');
      expect(entry.timerState, profile).toBe(timer);
    }
  });

  it('a half-closed flow with a shortened CLOSE_WAIT timeout expires from the table', () => {
    const table = newTable('6.2+', { tcp: { ...DEFAULT_CONNTRACK_SETTINGS.tcp, closeWait: 5 } });
    const flow = newFlow();
    const entry = establish(table, flow)[2].entry!;
    pass(table, flow.fromServer('F.', 5001, 1001), 10 * SEC);
    pass(table, flow.fromClient('.', 1001, 5002), 10 * SEC);
    expect(entry.tcpState).toBe('CLOSE_WAIT');
    expect(table.expire(14 * SEC)).toEqual([]);
    expect(table.expire(15 * SEC)).toEqual([{ entry, atUs: 15 * SEC, timer: 'CLOSE_WAIT' }]);
    // The client's late FIN finds no entry and a FIN cannot open one: INVALID, so it skips NAT
    // (the sidecar-halfclose-leak mechanism).
    expect(pass(table, flow.fromClient('F.', 1001, 5002), 20 * SEC).ctinfo).toBe('INVALID');
  });
});
