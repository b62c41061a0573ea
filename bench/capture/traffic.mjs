// Traffic for the capture benchmark, run inside the bench's namespaces:
//   node traffic.mjs server                      (in the server namespace)
//   node traffic.mjs client <seed> <sessions>    (in the client namespace; runs until killed)
// One text line opens each exchange: "G n" asks for n bytes, "H n" streams n bytes after
// the client's FIN, "A n" sends n bytes and resets, "U" drains an upload until FIN, "S ms"
// stops reading for ms first. The mix follows PERFORMANCE-ANCHORS.md section 1.
import net from 'node:net';

const [role, seedText = '1', sessionsText = '48'] = process.argv.slice(2);
const SERVER_IPS = ['10.89.2.1', '10.89.2.2', '10.89.2.3', '10.89.2.4'];
const CLIENT_IPS = Array.from({ length: 16 }, (_, i) => `10.89.1.${i + 1}`);
const PORT = 9000;
const CLOSED_PORT = 9001;
const BLOB = Buffer.alloc(1 << 20, 0x61);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function writeBytes(socket, n) {
  // Chunks of the shared blob: no allocation per response, and backpressure respected.
  return new Promise((resolve) => {
    const step = () => {
      while (n > 0) {
        const size = Math.min(n, BLOB.length);
        n -= size;
        if (!socket.write(BLOB.subarray(0, size))) {
          socket.once('drain', step);
          return;
        }
      }
      resolve();
    };
    if (socket.destroyed) return resolve();
    socket.on('close', resolve);
    step();
  });
}

function runServer() {
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true }, (socket) => {
    socket.setMaxListeners(0);
    socket.on('error', () => {});
    let pending = '';
    let mode = 'lines';
    let stream = 0;
    const onLine = async (line) => {
      const [op, arg] = line.split(' ');
      const n = Number(arg) || 0;
      if (op === 'G') await writeBytes(socket, n);
      else if (op === 'H') {
        mode = 'drain';
        stream = n;
      } else if (op === 'A') {
        await writeBytes(socket, n);
        await sleep(5);
        socket.resetAndDestroy();
      } else if (op === 'U') mode = 'drain';
      else if (op === 'S') {
        mode = 'drain';
        socket.pause();
        setTimeout(() => socket.resume(), n);
      }
    };
    socket.on('data', (data) => {
      if (mode !== 'lines') return;
      pending += data.toString('latin1');
      for (let i = pending.indexOf('\n'); i >= 0 && mode === 'lines'; i = pending.indexOf('\n')) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        void onLine(line);
      }
      if (pending.length > 64) pending = '';
    });
    socket.on('end', async () => {
      if (stream > 0) await writeBytes(socket, stream);
      socket.end(mode === 'drain' && stream === 0 ? 'ok\n' : undefined);
    });
    socket.resume();
  });
  server.maxConnections = 100_000;
  server.listen({ port: PORT, host: '0.0.0.0', backlog: 4096 });
  process.stdout.write('ready\n');
}

/** Deterministic PRNG (mulberry32): the same seed gives the same mix. */
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

function clientSession(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  const between = (lo, hi) => Math.floor(lo + random() * (hi - lo));
  const r = random() * 100;
  const host = pick(SERVER_IPS);
  const localAddress = pick(CLIENT_IPS);
  const connect = (port = PORT) =>
    new Promise((resolve, reject) => {
      const socket = net.connect({ host, port, localAddress, allowHalfOpen: true }, () =>
        resolve(socket),
      );
      socket.once('error', reject);
    });
  const exchange = (socket, line, expect) =>
    new Promise((resolve) => {
      let got = 0;
      const onData = (data) => {
        got += data.length;
        if (got >= expect) {
          socket.off('data', onData);
          resolve();
        }
      };
      if (socket.destroyed) return resolve();
      socket.on('data', onData);
      socket.on('close', resolve);
      socket.write(line);
    });
  const finish = (socket) =>
    new Promise((resolve) => {
      if (socket.destroyed) return resolve();
      socket.on('close', resolve);
      socket.on('end', () => socket.end());
      socket.resume();
      socket.end();
    });

  return (async () => {
    if (r < 3.2) {
      // refused: nothing listens there
      const socket = await connect(CLOSED_PORT).catch(() => undefined);
      socket?.destroy();
      return;
    }
    const socket = await connect();
    socket.setMaxListeners(0);
    socket.on('error', () => {});
    // No session may hang the generator: whatever is still open after a minute is dropped.
    const guard = setTimeout(() => socket.destroy(), 60_000);
    socket.on('close', () => clearTimeout(guard));
    // Always flowing: a paused client would stall a server that writes to it.
    socket.resume();
    if (r < 57.2) {
      // short request/response
      for (let i = between(1, 4); i > 0; i--) {
        const n = between(100, 40_000);
        await exchange(socket, `G ${n}\n`, n);
      }
      await finish(socket);
    } else if (r < 70.2) {
      // keep-alive: many requests with think time
      for (let i = between(5, 41); i > 0; i--) {
        const n = between(100, 20_000);
        await exchange(socket, `G ${n}\n`, n);
        await sleep(between(0, 20));
      }
      await finish(socket);
    } else if (r < 85.2) {
      // chatty small-packet session
      socket.setNoDelay(true);
      for (let i = between(20, 200); i > 0; i--) {
        const n = between(10, 200);
        await exchange(socket, `G ${n}\n`, n);
      }
      await finish(socket);
    } else if (r < 90.6) {
      // half-close: FIN first, then the server streams
      const n = between(10_000, 1_000_000);
      socket.write(`H ${n}\n`);
      await finish(socket);
    } else if (r < 93) {
      // bulk download; 2 % of them are elephants
      const n = random() < 0.02 ? between(32 << 20, 128 << 20) : between(1 << 20, 8 << 20);
      await exchange(socket, `G ${n}\n`, n);
      await finish(socket);
    } else if (r < 93.5) {
      // bulk upload with half-close
      socket.write('U\n');
      await new Promise((resolve) => {
        if (socket.destroyed) return resolve();
        socket.on('close', resolve);
        let left = between(1 << 20, 8 << 20);
        const step = () => {
          while (left > 0) {
            const size = Math.min(left, BLOB.length);
            left -= size;
            if (!socket.write(BLOB.subarray(0, size))) return void socket.once('drain', step);
          }
          resolve();
        };
        step();
      });
      await finish(socket);
    } else if (r < 97.8) {
      // server aborts with RST
      socket.write(`A ${between(1000, 100_000)}\n`);
      await new Promise((resolve) => (socket.destroyed ? resolve() : socket.on('close', resolve)));
    } else if (r < 99.4) {
      // client aborts with RST mid-download
      socket.write(`G ${between(200_000, 2_000_000)}\n`);
      await sleep(between(1, 10));
      socket.resetAndDestroy();
    } else {
      // read stall: the server stops reading, the upload hits a zero window
      socket.write(`S ${between(500, 2000)}\n`);
      await writeBytes(socket, between(300_000, 1_000_000));
      await finish(socket);
    }
  })().catch(() => {});
}

async function runClients(seed, sessions) {
  const random = prng(seed);
  setInterval(() => {}, 1000); // keep the process alive whatever the sessions wait for
  const loop = async () => {
    for (;;) await clientSession(random);
  };
  await Promise.all(Array.from({ length: sessions }, loop));
}

if (role === 'server') runServer();
else if (role === 'client') await runClients(Number(seedText), Number(sessionsText));
else throw new Error('usage: traffic.mjs server | client <seed> <sessions>');
