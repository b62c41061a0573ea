import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Two network namespaces joined by a veth pair, a web server in one and a client in the
 * other opening a new connection every 50 ms: enough traffic for a capture, conntrack
 * entries and events. Names start with `nmcol-` and carry the test process's pid, so
 * parallel runs do not collide and a leftover is easy to spot.
 */
export interface NetnsLab {
  readonly server: string;
  readonly client: string;
  readonly serverIp: string;
  readonly clientIp: string;
  readonly port: number;
  close(): Promise<void>;
}

export const LAB_PORT = 8080;
const SERVER_IP = '10.231.7.1';
const CLIENT_IP = '10.231.7.2';

let labs = 0;

export function canRunNetnsLab(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startNetnsLab(): Promise<NetnsLab> {
  labs += 1;
  const tag = `${process.pid}-${labs}`;
  const server = `nmcol-${tag}-s`;
  const client = `nmcol-${tag}-c`;
  const names = [server, client];
  // Deleting a namespace also deletes its end of the veth pair, and so the pair.
  const remove = (): void => {
    for (const name of names) run('ip', ['netns', 'del', name], true);
  };
  process.once('exit', remove);
  const processes: ChildProcess[] = [];
  try {
    const vethServer = `nmc${tag}s`.slice(-15);
    const vethClient = `nmc${tag}c`.slice(-15);
    for (const name of names) run('ip', ['netns', 'add', name]);
    run('ip', ['link', 'add', vethServer, 'type', 'veth', 'peer', 'name', vethClient]);
    run('ip', ['link', 'set', vethServer, 'netns', server]);
    run('ip', ['link', 'set', vethClient, 'netns', client]);
    for (const [name, veth, ip] of [
      [server, vethServer, SERVER_IP],
      [client, vethClient, CLIENT_IP],
    ] as const) {
      run('ip', ['-n', name, 'addr', 'add', `${ip}/24`, 'dev', veth]);
      run('ip', ['-n', name, 'link', 'set', 'lo', 'up']);
      run('ip', ['-n', name, 'link', 'set', veth, 'up']);
    }
    // A conntrack match makes the kernel track this namespace's flows at all, and gives the
    // rulesets something to show (one rule per family, as a pod with a sidecar would have).
    for (const tool of ['iptables', 'ip6tables']) {
      run('ip', [
        'netns',
        'exec',
        server,
        tool,
        '-A',
        'INPUT',
        '-m',
        'conntrack',
        '--ctstate',
        'INVALID',
        '-j',
        'DROP',
      ]);
    }
    const httpServer = inNamespace(
      server,
      `require('node:http').createServer((q, s) => s.end('ok\\n'))
        .listen(${LAB_PORT}, '${SERVER_IP}', () => console.log('ready'));`,
    );
    processes.push(httpServer);
    await waitForLine(httpServer, 'ready');
    processes.push(
      inNamespace(
        client,
        `const http = require('node:http');
         setInterval(() => {
           http.get({ host: '${SERVER_IP}', port: ${LAB_PORT}, agent: false }, (r) => r.resume())
             .on('error', () => {});
         }, 50);`,
      ),
    );
  } catch (error) {
    await stopAll(processes);
    remove();
    process.removeListener('exit', remove);
    throw error;
  }
  return {
    server,
    client,
    serverIp: SERVER_IP,
    clientIp: CLIENT_IP,
    port: LAB_PORT,
    async close() {
      await stopAll(processes);
      remove();
      process.removeListener('exit', remove);
    },
  };
}

function run(command: string, args: readonly string[], ignoreFailure = false): void {
  try {
    execFileSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    if (!ignoreFailure) throw error;
  }
}

function inNamespace(name: string, script: string): ChildProcess {
  return spawn('ip', ['netns', 'exec', name, process.execPath, '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

async function waitForLine(child: ChildProcess, text: string): Promise<void> {
  let seen = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${text}" within 10 s`)), 10_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before "${text}"`));
    });
  });
}

async function stopAll(processes: readonly ChildProcess[]): Promise<void> {
  await Promise.all(
    processes.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }),
  );
}
