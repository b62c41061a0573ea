/**
 * Lab kit: build namespaces, run real programs in them, record a bundle like the collector.
 *
 *   import { ArtifactRecorder, LabProgram, LabTopology, type LabVariant } from '../kit/index.js';
 *
 *   const variant: LabVariant = {
 *     id: 'router-dnat-events-only',
 *     summary: 'DNAT on a router; conntrack events + ss + client log',
 *     async run(ctx) {
 *       const lab = LabTopology.create(ctx.prefix, {
 *         namespaces: ['client', 'router', 'server'],
 *         links: [
 *           { a: { ns: 'client', dev: 'eth0', addresses: ['10.78.1.2/24'] },
 *             b: { ns: 'router', dev: 'eth-c', addresses: ['10.78.1.1/24'] } },
 *           { a: { ns: 'router', dev: 'eth-s', addresses: ['10.78.2.1/24'] },
 *             b: { ns: 'server', dev: 'eth0', addresses: ['10.78.2.10/24'] } },
 *         ],
 *         routes: [{ ns: 'client', to: 'default', via: '10.78.1.1' },
 *                  { ns: 'server', to: 'default', via: '10.78.2.1' }],
 *         forwarding: ['router'],
 *         sysctls: { router: { 'net.netfilter.nf_conntrack_tcp_timeout_established': 3 } },
 *       });
 *       try {
 *         lab.iptablesRestore('router', '*nat\n-A PREROUTING -d 10.78.9.9 -p tcp --dport 80 -j DNAT --to-destination 10.78.2.10:8080\nCOMMIT');
 *         const rec = new ArtifactRecorder(lab, ctx.outDir);       // kernel log starts here
 *         await rec.startCapture({ role: 'client', iface: 'eth0' });
 *         await rec.startConntrackEvents({ role: 'router' });      // timestamps: false for plain -E
 *         const server = LabProgram.start(lab, 'server', 'tcp-server', {
 *           listen: [{ host: '0.0.0.0', port: 8080 }], logFile: rec.file('server.log') });
 *         await server.waitFor('listening');
 *         const client = LabProgram.start(lab, 'client', 'tcp-client', {
 *           target: '10.78.9.9:80', logFile: rec.file('client.log'),
 *           steps: [{ write: 'hello\n' }, { read: {} }, { sleepMs: 4000 }, { write: 'again\n' }, { read: {} }] });
 *         const connected = await client.waitFor('connected');
 *         await client.finished();
 *         rec.snapshot('router', ['conntrack-table', 'conntrack-stats', 'iptables', 'sysctl']);
 *         rec.snapshot('client', ['sockets', 'uname', 'nstat']);
 *         await rec.finish('router');                              // streams, dmesg, manifest
 *         return { rootCause: '…', flow: { client: String(connected.local), server: '10.78.9.9:80' } };
 *       } finally {
 *         lab.close();
 *       }
 *     },
 *   };
 *
 * Programs (libs/labs/programs/*.mjs) take one JSON argument, write their app log to
 * `logFile`, print JSON control events on stdout ({"event":"listening"|"connected"|
 * "error"|"step"|...}) and wait at an `{ await: 'name' }` step until `program.send('name')`.
 * Namespaces: roles are short lowercase names; `lab.ns(role)` gives the real name. Use
 * 10.78.0.0/16 only. runLab() deletes anything left under ctx.prefix, but close your lab.
 */
export type {
  LabContext,
  LabDefinition,
  LabExpectation,
  LabExpectedFile,
  LabFlow,
  LabVariant,
} from './lab-definition.js';
export {
  LabTopology,
  LabTopologyError,
  type BridgeSpec,
  type LinkEnd,
  type LinkSpec,
  type RouteSpec,
  type TopologySpec,
} from './lab-topology.js';
export {
  LabProgram,
  LabProgramError,
  LabCommandError,
  programPath,
  runInNamespace,
  spawnInNamespace,
  type ProgramEvent,
} from './lab-program.js';
export {
  ALL_SNAPSHOTS,
  ArtifactRecorder,
  toolVersion,
  type CaptureOptions,
  type EventsOptions,
  type SnapshotKind,
} from './artifact-recorder.js';
export { newLabPrefix, sweepStaleLabNamespaces } from './lab-prefix.js';
export {
  HostSysctlBusyError,
  overrideHostSysctl,
  restoreAbandonedHostSysctls,
  type HostSysctlOverride,
} from './host-sysctl-override.js';
export {
  parseTcpdumpSegment,
  seqAdd,
  sniffSegment,
  type SniffedSegment,
} from './segment-sniffer.js';
export { sleep } from '../../shell/run-command.js';
