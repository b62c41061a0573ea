// Issue 3's text target: at least 1 million `conntrack -E` lines per second. Generates a file
// of realistic `conntrack -E -o timestamp` output (TCP lifecycles through SNAT/DNAT, DNS over
// UDP, ICMP, IPv6, early drops and flushes), then streams it from disk through the built
// parser in a fresh process per run, so each run's peak RSS is its own.
// `node bench/text/conntrack-events.bench.mjs [lines]` prints the figures; run.mjs imports
// runConntrackEventsBench.
import { execFileSync } from 'node:child_process';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(import.meta.url);
const dist = fileURLToPath(new URL('../../libs/evidence/dist/', import.meta.url));
const DEFAULT_LINES = 2_500_000;
const RUNS = 3;

/** A small deterministic PRNG (mulberry32): the same file on every machine. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (text, width) => (text.length >= width ? text : ' '.repeat(width - text.length) + text);

function* eventLines(total) {
  const random = prng(0x6e6d7478);
  const pick = (list) => list[Math.floor(random() * list.length)];
  const pods = Array.from({ length: 400 }, (_, i) => `10.244.${(i >> 6) + 1}.${(i & 63) + 2}`);
  const services = Array.from({ length: 40 }, (_, i) => `10.96.${i >> 4}.${(i & 15) + 10}`);
  const pods6 = Array.from({ length: 60 }, (_, i) => `fd00:10:244::${(i + 2).toString(16)}`);
  let usec = 1_795_304_774_000_000;
  let id = 1_000_000;
  let written = 0;
  const stamp = () => {
    usec += 1 + Math.floor(random() * 400);
    return `[${Math.floor(usec / 1e6)}.${String(usec % 1e6).padStart(6, '0')}]\t`;
  };
  const head = (type) => `${stamp()}${pad(`[${type}]`, 9)} `;
  const tcp = (type, timeout, state, a, b, flags, reply) =>
    `${head(type)}tcp      6 ${timeout} ${state} src=${a.ip} dst=${a.vip} sport=${a.port} dport=${a.vport}${flags.unreplied ? ' [UNREPLIED]' : ''} src=${reply.ip} dst=${b.ip} sport=${reply.port} dport=${b.port}${flags.assured ? ' [ASSURED]' : ''}${flags.mark ? ` mark=${flags.mark}` : ''}${flags.id ? ` id=${flags.id}` : ''}`;

  while (written < total) {
    const roll = random();
    if (roll < 0.72) {
      // A TCP connection to a ClusterIP, DNATed to a pod, through its whole life.
      const v6 = random() < 0.1;
      const client = v6 ? pick(pods6) : pick(pods);
      const server = v6 ? pick(pods6) : pick(pods);
      const a = {
        ip: client,
        vip: v6 ? 'fd00:10:96::a' : pick(services),
        port: 32768 + Math.floor(random() * 28000),
        vport: pick([80, 443, 5432, 6379, 8080, 15006]),
      };
      const reply = { ip: server, port: pick([8080, 5432, 6379, 15006, 80]) };
      const b = { ip: client, port: a.port };
      const withId = random() < 0.3 ? (id += 7) : 0;
      const mark = random() < 0.15 ? 0x4000 : 0;
      const base = { mark, id: withId };
      const life = [
        tcp('NEW', 120, 'SYN_SENT', a, b, { ...base, unreplied: true }, reply),
        tcp('UPDATE', 60, 'SYN_RECV', a, b, base, reply),
        tcp('UPDATE', 432000, 'ESTABLISHED', a, b, { ...base, assured: true }, reply),
      ];
      const end = random();
      if (end < 0.6) {
        life.push(
          tcp('UPDATE', 120, 'FIN_WAIT', a, b, { ...base, assured: true }, reply),
          tcp('UPDATE', 30, 'LAST_ACK', a, b, { ...base, assured: true }, reply),
          tcp('UPDATE', 120, 'TIME_WAIT', a, b, { ...base, assured: true }, reply),
          tcp('DESTROY', 0, 'TIME_WAIT', a, b, { ...base, assured: true }, reply),
        );
      } else if (end < 0.8) {
        life.push(
          tcp('UPDATE', 60, 'CLOSE_WAIT', a, b, { ...base, assured: true }, reply),
          tcp('UPDATE', 10, 'CLOSE', a, b, { ...base, assured: true }, reply),
          tcp('DESTROY', 9, 'CLOSE', a, b, { ...base, assured: true }, reply),
        );
      } else {
        life.push(tcp('DESTROY', 431990, 'ESTABLISHED', a, b, { ...base, assured: true }, reply));
      }
      for (const line of life) {
        yield line;
        written++;
      }
    } else if (roll < 0.95) {
      const client = pick(pods);
      const port = 32768 + Math.floor(random() * 28000);
      const dns = pick(services.slice(0, 2));
      const coredns = pick(pods.slice(0, 4));
      const tuple = `src=${client} dst=${dns} sport=${port} dport=53`;
      const back = `src=${coredns} dst=${client} sport=53 dport=${port}`;
      yield `${head('NEW')}udp      17 30 ${tuple} [UNREPLIED] ${back}`;
      yield `${head('UPDATE')}udp      17 30 ${tuple} ${back}`;
      yield `${head('DESTROY')}udp      17 ${tuple} ${back}`;
      written += 3;
    } else {
      const client = pick(pods);
      const server = pick(pods);
      const echo = Math.floor(random() * 65535);
      yield `${head('NEW')}icmp     1 30 src=${client} dst=${server} type=8 code=0 id=${echo} [UNREPLIED] src=${server} dst=${client} type=0 code=0 id=${echo}`;
      yield `${head('UPDATE')}icmp     1 30 src=${client} dst=${server} type=8 code=0 id=${echo} src=${server} dst=${client} type=0 code=0 id=${echo}`;
      written += 2;
    }
  }
}

export async function writeEvents(file, lines) {
  const out = createWriteStream(file);
  let batch = '';
  let count = 0;
  for (const line of eventLines(lines)) {
    batch += `${line}\n`;
    count++;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await new Promise((resolve) => out.once('drain', resolve));
      batch = '';
    }
  }
  out.end(batch);
  await new Promise((resolve, reject) => out.on('finish', resolve).on('error', reject));
  return count;
}

/**
 * Calibration on the same file: the line reader alone (the floor any line parser sits on),
 * and the reader plus one trivial JavaScript pass over every character of every line (about
 * the least a parser that reads its input can do). On a shared or throttled machine these
 * say how fast this machine is right now, so the parser's figure can be read against them.
 */
async function childFloor(file, touch) {
  const { readLines } = await import(`${dist}text/line-reader.js`);
  const { IssueCollector } = await import(`${dist}text/issue-collector.js`);
  const started = performance.now();
  let spaces = 0;
  const consumer = touch
    ? {
        line(text) {
          for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0x20) spaces++;
        },
      }
    : { line() {} };
  const lines = await readLines(
    createReadStream(file, { highWaterMark: 1 << 20 }),
    consumer,
    new IssueCollector('events.txt'),
  );
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    JSON.stringify({
      lines,
      kept: 0,
      seconds,
      linesPerSecond: lines / seconds,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      issues: 0,
      spaces,
    }),
  );
}

/** One timed run in this process: stream the file through the parser. */
async function childRun(file, maxItems) {
  const { parseTextArtifact } = await import(`${dist}parsers/text-artifact-parser.js`);
  const { conntrackEventsParser } = await import(`${dist}parsers/conntrack/index.js`);
  const started = performance.now();
  const outcome = await parseTextArtifact(
    conntrackEventsParser,
    createReadStream(file, { highWaterMark: 1 << 20 }),
    'events.txt',
    maxItems === undefined ? {} : { limits: { maxItems } },
  );
  const seconds = (performance.now() - started) / 1000;
  const tooMany = outcome.issues.find((issue) => issue.code === 'TOO_MANY_ITEMS');
  const otherIssues = outcome.issues.filter((issue) => issue.code !== 'TOO_MANY_ITEMS');
  process.stdout.write(
    JSON.stringify({
      lines: outcome.unitsRead,
      kept: outcome.value.length,
      seconds,
      linesPerSecond: outcome.unitsRead / seconds,
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      issues: otherIssues.length,
      limitNote: tooMany?.message,
    }),
  );
}

function spawnRun(file, maxItems) {
  const args = [here, '--child', file, ...(maxItems === undefined ? [] : [String(maxItems)])];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

function spawnFloor(file, touch = false) {
  const args = [here, touch ? '--touch' : '--floor', file];
  return JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 }));
}

function best(runs) {
  const top = runs.reduce((a, b) => (b.linesPerSecond > a.linesPerSecond ? b : a));
  return {
    linesPerSecond: Math.round(top.linesPerSecond),
    seconds: Number(top.seconds.toFixed(3)),
    peakRssMiB: Math.round(Math.max(...runs.map((run) => run.peakRssMiB))),
    kept: top.kept,
    issues: top.issues,
    allRunsLinesPerSecond: runs.map((run) => Math.round(run.linesPerSecond)),
  };
}

/**
 * Figures for bench/run.mjs. `kept`: the default limits, so the first million events are kept
 * as objects (what the worker does). `streamed`: maxItems 10 000, the parse with bounded memory.
 */
export async function runConntrackEventsBench({ lines = DEFAULT_LINES } = {}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'nm-ct-bench-'));
  try {
    const file = path.join(dir, 'conntrack-events.txt');
    const written = await writeEvents(file, lines);
    const { size } = await stat(file);
    const kept = best(Array.from({ length: RUNS }, () => spawnRun(file)));
    const streamed = best(Array.from({ length: RUNS }, () => spawnRun(file, 10_000)));
    const floor = best(Array.from({ length: RUNS }, () => spawnFloor(file)));
    const touched = best(Array.from({ length: RUNS }, () => spawnFloor(file, true)));
    return {
      lines: written,
      fileMiB: Number((size / 1024 ** 2).toFixed(1)),
      targetLinesPerSecond: 1_000_000,
      kept,
      streamed,
      lineReaderOnly: floor,
      lineReaderPlusOneCharPass: touched,
      loadAverage: loadavg().map((value) => Number(value.toFixed(2))),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--floor' || process.argv[2] === '--touch') {
  await childFloor(process.argv[3], process.argv[2] === '--touch');
} else if (process.argv[2] === '--child') {
  await childRun(
    process.argv[3],
    process.argv[4] === undefined ? undefined : Number(process.argv[4]),
  );
} else if (process.argv[1] === here) {
  const lines = process.argv[2] ? Number(process.argv[2]) : DEFAULT_LINES;
  const figures = await runConntrackEventsBench({ lines });
  const row = (name, f) =>
    `${name}: ${(f.linesPerSecond / 1e6).toFixed(2)} M lines/s (best of ${RUNS}: ${f.allRunsLinesPerSecond.map((v) => (v / 1e6).toFixed(2)).join(', ')}), peak RSS ${f.peakRssMiB} MiB, ${f.kept} kept, ${f.issues} issues`;
  console.log(`conntrack -E -o timestamp: ${figures.lines} lines, ${figures.fileMiB} MiB`);
  console.log(row('default limits (1 M kept)', figures.kept));
  console.log(row('maxItems 10 000         ', figures.streamed));
  console.log(row('line reader alone       ', figures.lineReaderOnly));
  console.log(row('reader + 1 char pass    ', figures.lineReaderPlusOneCharPass));
  console.log(`load average during the run: ${figures.loadAverage.join(' ')}`);
}
