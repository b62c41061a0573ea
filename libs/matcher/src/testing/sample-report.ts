import type { AnalysisReport } from '../report/analysis-report.js';

/** One finding with every section filled, for the renderers' specs. */
export const SAMPLE_REPORT: AnalysisReport = {
  artifacts: [
    { path: 'capture.pcap', kind: 'pcap', status: 'parsed' },
    { path: 'broken.txt', kind: 'ss', status: 'failed', error: 'broken.txt:3: not ss output' },
  ],
  findings: [
    {
      rootCause: 'ct-invalid-not-natted-rst',
      title: 'Out-of-window packet marked INVALID skips NAT and draws a RST',
      confidence: 0.98,
      summary: 'Packet 10 was INVALID and skipped NAT; the listener reset the connection.',
      flow: { client: '10.1.0.5:41000', server: '10.1.0.9:8080', backend: '10.1.0.9:15006' },
      narrative: [
        {
          time: '2026-01-14T10:00:05.123456Z',
          text: 'the segment is INVALID',
          evidence: { artifact: 'capture.pcap', locator: 'packet 10', note: 'PSH,ACK' },
        },
      ],
      evidence: [{ artifact: 'capture.pcap', locator: 'packet 11', note: 'bare RST | no ACK' }],
      evidenceAgainst: [{ artifact: 'iptables-save.txt', locator: 'line 4', note: 'a drop rule' }],
      nextEvidence: ['conntrack -S before and after'],
      remediation: [
        {
          id: 'drop-invalid',
          title: 'Drop INVALID packets',
          steps: [
            {
              label: 'on the node',
              language: 'shell',
              code: 'iptables -t mangle -I PREROUTING -m conntrack --ctstate INVALID -j DROP',
            },
          ],
          tradeoffs: ['hides the reset'],
          proof: { verdict: 'removes-failure', detail: 'packet 10 is dropped' },
        },
      ],
      notes: ['also seen on 1 other flow(s)'],
      fingerprint: '0123456789abcdef',
    },
  ],
  risks: [
    {
      rootCause: 'snat-port-collision',
      id: 'snat-not-fully-random',
      summary: 'source NAT without --random-fully',
      evidence: [{ artifact: 'iptables-save.txt', locator: 'line 9', note: 'MASQUERADE' }],
      advice: 'add --random-fully',
    },
  ],
  coverage: {
    captures: 1,
    packets: 12,
    flows: 1,
    replayed: true,
    kernel: '6.1.0-27-amd64',
    kernelProfile: '5.14-6.1',
    kinds: ['pcap', 'ss'],
  },
  catalogueVersion: 'abcdef012345',
};
