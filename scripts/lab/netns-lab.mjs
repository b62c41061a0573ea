// Network-namespace plumbing for labs, fixture generators and benchmarks: run commands, build
// and always tear down namespaces, start and stop processes in them, capture. Root only.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function sh(command) {
  return execFileSync('bash', ['-c', command], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

export function inNs(ns, command) {
  return sh(`ip netns exec ${ns} ${command}`);
}

const created = new Set();
const children = new Set();

export function cleanup() {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
  children.clear();
  for (const ns of created) {
    try {
      execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
    } catch {
      // already gone
    }
  }
  created.clear();
}

// The "trap": namespaces go away on success, failure, Ctrl-C and kill alike.
process.on('exit', cleanup);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}
process.on('uncaughtException', (error) => {
  cleanup();
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});

export function addNamespace(name) {
  if (!name.startsWith('nmcap-')) throw new Error(`namespace ${name} must be named nmcap-*`);
  try {
    execFileSync('ip', ['netns', 'del', name], { stdio: 'ignore' });
  } catch {
    // not there: fine
  }
  sh(`ip netns add ${name}`);
  created.add(name);
  inNs(name, 'ip link set lo up');
}

/** A veth pair between two namespaces, addresses as [cidr...], segments kept wire-sized. */
export function link(nsA, ifA, addressesA, nsB, ifB, addressesB) {
  sh(`ip link add ${ifA} netns ${nsA} type veth peer name ${ifB} netns ${nsB}`);
  for (const [ns, dev, addresses] of [
    [nsA, ifA, addressesA],
    [nsB, ifB, addressesB],
  ]) {
    // Without ethtool, a 1500-byte GSO limit is what keeps the kernel from handing
    // tcpdump 64 KB super-segments.
    inNs(ns, `ip link set ${dev} gso_max_size 1500 gso_max_segs 1`);
    for (const address of addresses) inNs(ns, `ip addr add ${address} dev ${dev} nodad`);
    inNs(ns, `ip link set ${dev} up`);
  }
}

/**
 * Starts a long-running process in a namespace; resolves when `readyText` shows on its
 * output. Its output is always drained (a child blocked on a full pipe stalls silently);
 * the tail of stderr is kept on `child.stderrTail` for error messages.
 */
export async function startIn(ns, args, readyText) {
  const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  child.stderrTail = '';
  child.on('exit', () => children.delete(child));
  child.stdout.on('data', () => {});
  child.stderr.on('data', (data) => {
    child.stderrTail = (child.stderrTail + data.toString()).slice(-4000);
  });
  if (readyText !== undefined) {
    let seen = '';
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${args.join(' ')}: not ready`)), 10_000);
      const onData = (data) => {
        seen += data.toString();
        if (seen.includes(readyText)) {
          clearTimeout(timer);
          child.stdout.off('data', onData);
          child.stderr.off('data', onData);
          resolve();
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
  }
  return child;
}

/** Runs a command in a namespace to completion; resolves with its stdout. */
export async function runIn(ns, args, { stdin } = {}) {
  const child = spawn('ip', ['netns', 'exec', ns, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.add(child);
  let out = '';
  child.stdout.on('data', (data) => (out += data.toString()));
  if (stdin !== undefined) stdin(child);
  const [code] = await once(child, 'exit');
  children.delete(child);
  if (code !== 0) throw new Error(`${args.join(' ')} exited with ${code}`);
  return out;
}

/** tcpdump in `ns` on `dev` into `file` while `body` runs; stopped with SIGINT (flushes). */
export async function capture(
  ns,
  dev,
  file,
  body,
  { snaplen = 0, nano = false, immediate = true, extra = [] } = {},
) {
  // Immediate mode: without it, packets still in the ring buffer are lost when tcpdump stops.
  const args = ['tcpdump', '-i', dev, '-w', file, '-s', String(snaplen), '-U', ...extra];
  if (immediate) args.push('--immediate-mode');
  if (nano) args.push('--time-stamp-precision=nano');
  const tcpdump = await startIn(ns, args, 'listening on');
  try {
    await body();
    await sleep(400);
  } finally {
    tcpdump.kill('SIGINT');
    await once(tcpdump, 'exit');
  }
}
