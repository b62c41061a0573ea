import { describe, expect, it } from 'vitest';
import {
  ackOf,
  interfaceOf,
  parseAnyTcpdumpText,
  withoutInterfaceColumns,
} from './cooked-capture-text.js';

const COOKED =
  '1795326565.530017 lo    In  IP 10.78.21.10.7777 > 10.78.21.2.40000: Flags [.], ack 1715316987, ' +
  'win 64, options [nop,nop,TS val 2445118317 ecr 3430593382], length 0';
const PLAIN =
  '1795326565.530035 IP 10.78.21.2.40000 > 127.0.0.1.15001: Flags [R], seq 1715316987, win 0, length 0';

describe('tcpdump output of -i any captures', () => {
  it('drops the interface and direction columns and keeps plain lines as they are', () => {
    expect(withoutInterfaceColumns(COOKED)).toMatch(
      /^1795326565\.530017 IP 10\.78\.21\.10\.7777 > /,
    );
    expect(withoutInterfaceColumns(PLAIN)).toBe(PLAIN);
    expect(interfaceOf(COOKED)).toBe('lo');
    expect(interfaceOf(PLAIN)).toBeUndefined();
  });

  it('parses both forms into packets, with the acknowledgment number on request', () => {
    const [challenge, reset] = parseAnyTcpdumpText(`${COOKED}\n${PLAIN}\n`);
    expect(challenge).toMatchObject({ src: '10.78.21.10', sport: 7777, dport: 40000, flags: '.' });
    expect(ackOf(challenge!)).toBe(1715316987);
    expect(reset).toMatchObject({ dst: '127.0.0.1', dport: 15001, flags: 'R', seq: 1715316987 });
    expect(ackOf(reset!)).toBeUndefined();
  });
});
