import { TcpFlag } from '@netmortem/domain';
import { describe, expect, it } from 'vitest';
import { nextState, PacketClass, packetClass, S, validFlagCombination } from './tcp-state-table.js';

describe('TCP transition table', () => {
  it('classifies packets with RST first, then SYN (with or without ACK), FIN, ACK', () => {
    expect(packetClass(TcpFlag.RST | TcpFlag.ACK)).toBe(PacketClass.RST);
    expect(packetClass(TcpFlag.SYN)).toBe(PacketClass.SYN);
    expect(packetClass(TcpFlag.SYN | TcpFlag.ACK)).toBe(PacketClass.SYNACK);
    expect(packetClass(TcpFlag.FIN | TcpFlag.ACK | TcpFlag.PSH)).toBe(PacketClass.FIN);
    expect(packetClass(TcpFlag.ACK | TcpFlag.PSH)).toBe(PacketClass.ACK);
    expect(packetClass(TcpFlag.PSH)).toBe(PacketClass.NONE);
  });

  it('opens only with SYN (new connection) or ACK (pickup) from NONE', () => {
    expect(nextState(0, PacketClass.SYN, S.NONE)).toBe(S.SYN_SENT);
    expect(nextState(0, PacketClass.ACK, S.NONE)).toBe(S.ESTABLISHED);
    for (const cls of [PacketClass.SYNACK, PacketClass.FIN, PacketClass.RST, PacketClass.NONE]) {
      expect(nextState(0, cls, S.NONE)).toBe(S.INVALID);
    }
  });

  it('ignores packets that may mean the firewall is out of sync', () => {
    expect(nextState(0, PacketClass.SYN, S.ESTABLISHED)).toBe(S.IGNORE);
    expect(nextState(1, PacketClass.SYNACK, S.ESTABLISHED)).toBe(S.IGNORE);
    expect(nextState(1, PacketClass.ACK, S.SYN_SENT)).toBe(S.IGNORE);
    expect(nextState(1, PacketClass.SYN, S.ESTABLISHED)).toBe(S.INVALID);
  });

  it('reopens from TIME_WAIT in either direction and from CLOSE in the original one', () => {
    expect(nextState(0, PacketClass.SYN, S.TIME_WAIT)).toBe(S.SYN_SENT);
    expect(nextState(1, PacketClass.SYN, S.TIME_WAIT)).toBe(S.SYN_SENT);
    expect(nextState(0, PacketClass.SYN, S.CLOSE)).toBe(S.SYN_SENT);
    expect(nextState(1, PacketClass.SYN, S.CLOSE)).toBe(S.INVALID);
  });

  it('closes through FIN_WAIT/CLOSE_WAIT/LAST_ACK/TIME_WAIT and to CLOSE on any RST', () => {
    expect(nextState(0, PacketClass.FIN, S.ESTABLISHED)).toBe(S.FIN_WAIT);
    expect(nextState(1, PacketClass.ACK, S.FIN_WAIT)).toBe(S.CLOSE_WAIT);
    expect(nextState(1, PacketClass.FIN, S.CLOSE_WAIT)).toBe(S.LAST_ACK);
    expect(nextState(0, PacketClass.ACK, S.LAST_ACK)).toBe(S.TIME_WAIT);
    for (let state = S.SYN_SENT; state <= S.SYN_SENT2; state++) {
      expect(nextState(0, PacketClass.RST, state)).toBe(S.CLOSE);
      expect(nextState(1, PacketClass.RST, state)).toBe(S.CLOSE);
    }
  });

  it('accepts only sane flag combinations, whatever PSH/ECE/CWR say', () => {
    expect(validFlagCombination(TcpFlag.SYN | TcpFlag.ECE | TcpFlag.CWR)).toBe(true);
    expect(validFlagCombination(TcpFlag.FIN | TcpFlag.ACK | TcpFlag.PSH)).toBe(true);
    expect(validFlagCombination(TcpFlag.SYN | TcpFlag.FIN)).toBe(false);
    expect(validFlagCombination(TcpFlag.FIN)).toBe(false);
    expect(validFlagCombination(TcpFlag.SYN | TcpFlag.RST)).toBe(false);
    expect(validFlagCombination(0)).toBe(false);
  });
});
