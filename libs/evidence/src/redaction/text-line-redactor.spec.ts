import { describe, expect, it } from 'vitest';
import { formatIpv4 } from './ip-literal.js';
import { Pseudonymiser } from './pseudonymiser.js';
import { TextLineRedactor } from './text-line-redactor.js';

const KEY = new Uint8Array(32).fill(5);

function setup(trailingPortAfterIpv6 = false) {
  const p = new Pseudonymiser(KEY);
  const lines = new TextLineRedactor(p, { trailingPortAfterIpv6 });
  const check = new Pseudonymiser(KEY);
  const v4 = (text: string) =>
    formatIpv4(check.mapV4(text.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0)));
  const port = (value: number) => String(check.mapPort(value));
  return { p, lines, v4, port };
}

describe('TextLineRedactor', () => {
  it('rewrites conntrack tuples: addresses and sport/dport, nothing else', () => {
    const { lines, v4, port } = setup();
    const line =
      'tcp      6 117 TIME_WAIT src=10.77.0.1 dst=10.77.0.2 sport=40386 dport=80 src=10.77.0.2 dst=10.77.0.1 sport=8080 dport=40386 [ASSURED] mark=0 use=1';
    expect(lines.redact(line)).toBe(
      `tcp      6 117 TIME_WAIT src=${v4('10.77.0.1')} dst=${v4('10.77.0.2')} sport=${port(40386)} dport=80 src=${v4('10.77.0.2')} dst=${v4('10.77.0.1')} sport=8080 dport=${port(40386)} [ASSURED] mark=0 use=1`,
    );
  });

  it('rewrites addr:port, [v6]:port, ::ffff:v4, zones and CIDRs (prefix kept, host bits cleared)', () => {
    const { lines, v4, port, p } = setup();
    expect(lines.redact('ESTAB 0 0 10.244.1.5:43982 10.96.0.10:5432')).toBe(
      `ESTAB 0 0 ${v4('10.244.1.5')}:${port(43982)} ${v4('10.96.0.10')}:5432`,
    );
    const mapped = lines.redact('[::ffff:10.244.1.17]:8080 [::ffff:10.244.1.1]:54826');
    expect(mapped).toBe(
      `[::ffff:${v4('10.244.1.17')}]:8080 [::ffff:${v4('10.244.1.1')}]:${port(54826)}`,
    );
    const v6 = lines.redact('[fe80::1%eth0]:546 fd77::2');
    expect(v6).toMatch(/^\[fe80::[0-9a-f:]+%eth0\]:546 fd[0-9a-f]{2}:[0-9a-f:]+$/);
    const cidr = lines.redact('-A FORWARD -s 10.244.0.0/16 -d 10.96.0.20/32 ! -s 127.0.0.0/8');
    const net = p.mapV4((10 << 24) | (244 << 16));
    expect(cidr).toBe(
      `-A FORWARD -s ${formatIpv4((net & 0xffff0000) >>> 0)}/16 -d ${v4('10.96.0.20')}/32 ! -s 127.0.0.0/8`,
    );
  });

  it('reads a trailing :port on unbracketed IPv6 only where the format prints it so', () => {
    const socket = setup(true);
    const plain = setup(false);
    const a = socket.lines.redact('tcp6 0 0 fd77::1:35654 fd77::2:8080 TIME_WAIT');
    expect(a).toMatch(/^tcp6 0 0 fd[0-9a-f:]+:(\d+) fd[0-9a-f:]+:8080 TIME_WAIT$/);
    expect(a).toContain(`:${socket.port(35654)} `);
    expect(socket.lines.redact('tcp6 0 0 :::22 :::* LISTEN')).toBe('tcp6 0 0 :::22 :::* LISTEN');
    expect(plain.lines.redact('src=fd77::2:8080')).not.toContain(':8080');
  });

  it('rewrites ports where the format makes them ports, and no other number', () => {
    const { lines, port } = setup();
    expect(lines.redact('-A IN -p tcp -m multiport --dports 40000,40001 -j ACCEPT')).toBe(
      `-A IN -p tcp -m multiport --dports ${port(40000)},${port(40001)} -j ACCEPT`,
    );
    expect(lines.redact('-A IN -p tcp --dport 40000:40010 -j REDIRECT --to-ports 40002')).toBe(
      `-A IN -p tcp --dport 40000:40010 -j REDIRECT --to-ports ${port(40002)}`,
    );
    expect(lines.redact('tcp dport { 80, 40000, 50000-50010 } redirect to :40003')).toBe(
      `tcp dport { 80, ${port(40000)}, 50000-50010 } redirect to :${port(40003)}`,
    );
    expect(lines.redact('PROTO=TCP SPT=43982 DPT=5432 SEQ=2712034811 WINDOW=502')).toBe(
      `PROTO=TCP SPT=${port(43982)} DPT=5432 SEQ=2712034811 WINDOW=502`,
    );
    expect(lines.redact('connect(3, {sa_family=AF_INET, sin_port=htons(40004), sin_addr=')).toBe(
      `connect(3, {sa_family=AF_INET, sin_port=htons(${port(40004)}), sin_addr=`,
    );
    expect(
      lines.redact(
        'an error occurred forwarding 40005 -> 40006: error forwarding port 40005 to pod',
      ),
    ).toBe(
      `an error occurred forwarding ${port(40005)} -> ${port(40006)}: error forwarding port ${port(40005)} to pod`,
    );
    expect(lines.redact('Handling connection for 40007')).toBe(
      `Handling connection for ${port(40007)}`,
    );
    expect(lines.redact('outbound|40008||x outbound_.40008_._.x')).toBe(
      `outbound|${port(40008)}||x outbound_.${port(40008)}_._.x`,
    );
    const untouched = 'retries 40000 after 50000 ms, 3 workers, report 40001';
    expect(lines.redact(untouched)).toBe(untouched);
  });

  it('rewrites MAC addresses and known names, and dashed addresses in host names', () => {
    const { lines, p, v4 } = setup();
    p.names.register('node-1', 'host');
    // A vendor (universally administered) address keeps its vendor prefix; a local one only its flag bits.
    const out = lines.redact(
      'Jan 14 node-1 kernel: IN=eth0 MAC=00:0d:3a:11:22:33:56:00:40:be:d8:a5:08:00 SRC=10.0.0.1',
    );
    expect(out).toMatch(
      /^Jan 14 host-[0-9a-f]{6} kernel: IN=eth0 MAC=00:0d:3a:[0-9a-f:]{8}:[0-9a-f]{2}:[0-9a-f:]{14}:08:00 SRC=/,
    );
    expect(out).not.toContain('11:22:33');
    expect(out).not.toContain('40:be:d8:a5');
    expect(parseInt(out.split('MAC=')[1]!.slice(18, 20), 16) & 3).toBe(2);
    expect(lines.redact('Linux ip-10-0-12-34.ec2.internal')).toBe(
      `Linux ip-${v4('10.0.12.34').replaceAll('.', '-')}.ec2.internal`,
    );
    expect(lines.redact('ff:ff:ff:ff:ff:ff')).toBe('ff:ff:ff:ff:ff:ff');
  });

  it('copies every byte that is not an address, port or name, non-UTF-8 included', () => {
    const { lines } = setup();
    const bytes =
      '\u00ff\u00fe garbage \u0000\u0001 v1.8.9 6.1.0-26-amd64 10:21:07.412093 Envoy::Http::Conn 0x4000/0x4000 [1795304774.717708]\r';
    expect(lines.redact(bytes)).toBe(bytes);
  });

  it('stays linear on a multi-megabyte line', () => {
    const { lines } = setup();
    const line = `${'10.0.0.1:40000 a:b:c ::: 1.2.3 '.repeat(120_000)}`;
    const started = performance.now();
    const out = lines.redact(line);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(out).not.toContain('10.0.0.1:');
  });
});
