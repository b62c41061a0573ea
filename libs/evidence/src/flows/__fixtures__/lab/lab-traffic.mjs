// Traffic roles for the fixture lab, run inside network namespaces by generate-fixtures.mjs:
//   node lab-traffic.mjs server
//   node lab-traffic.mjs client <scenario> <host> [args...]
// Every behaviour is a plain socket doing what real applications do (close with unread
// data, SO_LINGER 0, half-close, stop reading), so the kernel writes the packets.
import dgram from 'node:dgram';
import net from 'node:net';

const [role, scenario, host, ...args] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const bytes = (n) => Buffer.alloc(n, 0x78);

function lines(socket, onLine) {
  let pending = '';
  socket.on('data', (data) => {
    pending += data.toString('latin1');
    for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
      const line = pending.slice(0, i);
      pending = pending.slice(i + 1);
      onLine(line);
    }
  });
}

function listen(port, handler, options = {}) {
  // pauseOnConnect: a paused socket must leave bytes in the kernel, not in Node's buffer.
  const server = net.createServer(
    { allowHalfOpen: true, pauseOnConnect: true, ...options },
    (socket) => {
      socket.on('error', () => {});
      handler(socket);
      if (!options.paused) socket.resume();
    },
  );
  server.listen({ port, host: '::', ipv6Only: false });
  return server;
}

function runServer() {
  // 8080: request/response with keep-alive: "<n>\n" asks for n bytes.
  listen(8080, (socket) => {
    lines(socket, (line) => socket.write(bytes(Number(line) || 1)));
    socket.on('end', () => socket.end());
  });
  // 8081: half-close: the client sends "<n>\n" and its FIN; only then the reply streams.
  listen(8081, (socket) => {
    let size = 0;
    lines(socket, (line) => (size = Number(line) || 0));
    socket.on('end', async () => {
      for (let sent = 0; sent < size; sent += 16384) {
        socket.write(bytes(Math.min(16384, size - sent)));
        await sleep(5);
      }
      socket.end();
    });
  });
  // 8082: answers part of the request, then aborts with SO_LINGER 0 (RST).
  listen(8082, (socket) => {
    lines(socket, async (line) => {
      socket.write(bytes(Number(line) || 1));
      await sleep(50);
      socket.resetAndDestroy();
    });
  });
  // 8083: never reads, closes after a moment: the unread bytes turn the close into a RST.
  listen(
    8083,
    (socket) => {
      setTimeout(() => socket.destroy(), 300);
    },
    { paused: true },
  );
  // 8084: a slow reader: stops reading for 3 s (zero window), then drains and answers.
  listen(
    8084,
    (socket) => {
      let received = 0;
      setTimeout(() => {
        socket.on('data', (data) => (received += data.length));
        socket.resume();
      }, 3000);
      socket.on('end', () => socket.end(`${received}\n`));
    },
    { paused: true },
  );
  // 8085: line echo; the lab rejects this port once a connection is up (ICMP errors).
  listen(8085, (socket) => {
    lines(socket, (line) => socket.write(`${line}\n`));
    socket.on('end', () => socket.end());
  });
  // 8086: bulk both ways for loss and reordering: a first line "<n>" asks for n bytes back;
  // whatever the client uploads after it is drained.
  listen(8086, (socket) => {
    let head = '';
    const onData = (data) => {
      head += data.toString('latin1', 0, Math.min(data.length, 32));
      const newline = head.indexOf('\n');
      if (newline < 0) return;
      socket.off('data', onData);
      socket.on('data', () => {});
      socket.write(bytes(Number(head.slice(0, newline)) || 1));
    };
    socket.on('data', onData);
    socket.on('end', () => socket.end());
  });
  const udp = dgram.createSocket({ type: 'udp6', ipv6Only: false });
  udp.on('message', (message, from) => udp.send(message, from.port, from.address));
  udp.bind(5353);
  process.stdout.write('ready\n');
}

function connect(port, options = {}) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, allowHalfOpen: true, ...options }, () =>
      resolve(socket),
    );
    socket.once('error', reject);
  });
}

function request(socket, line, expected) {
  return new Promise((resolve) => {
    let got = 0;
    const onData = (data) => {
      got += data.length;
      if (got >= expected) {
        socket.off('data', onData);
        resolve(got);
      }
    };
    socket.on('data', onData);
    socket.write(line);
  });
}

function ended(socket) {
  return new Promise((resolve) => {
    socket.on('close', resolve);
    socket.on('end', () => socket.end());
    socket.on('error', () => {});
    socket.resume();
  });
}

const scenarios = {
  async 'normal-close'() {
    const socket = await connect(Number(args[0] ?? 8080));
    for (const size of [200, 5000, 40000]) await request(socket, `${size}\n`, size);
    socket.end();
    await ended(socket);
  },
  async 'half-close'() {
    const socket = await connect(8081);
    socket.end('300000\n');
    await ended(socket);
  },
  async 'server-abort'() {
    const socket = await connect(8082);
    socket.on('error', () => {});
    socket.write('20000\n');
    await ended(socket);
  },
  async 'client-abort'() {
    const socket = await connect(8080);
    await request(socket, '1000\n', 1000);
    socket.write('400000\n');
    await sleep(5);
    socket.resetAndDestroy();
  },
  async 'unread-close'() {
    const socket = await connect(8083);
    socket.on('error', () => {});
    socket.write(bytes(3000));
    await ended(socket);
  },
  async refused() {
    try {
      await connect(Number(args[0] ?? 7));
    } catch (error) {
      process.stdout.write(`${error.code}\n`);
    }
  },
  async 'zero-window'() {
    const socket = await connect(8084);
    socket.end(bytes(400000));
    await ended(socket);
  },
  async keepalive() {
    const socket = await connect(8080);
    socket.setKeepAlive(true, 1000);
    await request(socket, '100\n', 100);
    await sleep(Number(args[0] ?? 3500));
    await request(socket, '100\n', 100);
    socket.end();
    await ended(socket);
  },
  async 'syn-unanswered'() {
    const started = Date.now();
    try {
      await connect(Number(args[0] ?? 8090));
    } catch (error) {
      process.stdout.write(`${error.code} after ${Date.now() - started} ms\n`);
    }
  },
  async 'echo-then-rejected'() {
    const socket = await connect(8085);
    socket.on('error', () => {});
    await request(socket, 'hello\n', 6);
    process.stdout.write('connected\n');
    await sleep(Number(args[0] ?? 1000));
    socket.write('after the rule\n');
    await sleep(2500);
    socket.destroy();
  },
  async 'udp-to-closed'() {
    const udp = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    udp.on('error', () => {});
    udp.send('ping', Number(args[0] ?? 9999), host);
    await sleep(300);
    udp.close();
  },
  async 'udp-echo'() {
    const udp = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
    const size = Number(args[0] ?? 64);
    await new Promise((resolve) => {
      udp.once('message', resolve);
      udp.send(bytes(size), 5353, host);
      setTimeout(resolve, 1000);
    });
    udp.close();
  },
  async bulk() {
    const socket = await connect(8086);
    socket.write(`${args[0] ?? 500000}\n`);
    socket.end(bytes(Number(args[1] ?? 500000)));
    await ended(socket);
  },
  /** First half of the port-reuse lab: a connection from a fixed port, aborted (the RST is dropped). */
  async 'fixed-port-abort'() {
    const socket = await connect(8080, { localPort: Number(args[0]) });
    await request(socket, '300\n', 300);
    socket.resetAndDestroy();
    await sleep(200);
  },
  /** Second half: the same source port again while the server still holds the old connection. */
  async 'fixed-port-again'() {
    const started = Date.now();
    try {
      const socket = await connect(8080, { localPort: Number(args[0]) });
      await request(socket, '300\n', 300);
      socket.end();
      await ended(socket);
      process.stdout.write(`connected after ${Date.now() - started} ms\n`);
    } catch (error) {
      process.stdout.write(`${error.code} after ${Date.now() - started} ms\n`);
    }
  },
  /** A keep-alive connection whose next request the lab breaks in between (NAT lab). */
  async 'two-requests'() {
    const socket = await connect(Number(args[0] ?? 80));
    socket.on('error', (error) => process.stdout.write(`${error.code}\n`));
    await request(socket, '2000\n', 2000);
    process.stdout.write('first done\n');
    await new Promise((resolve) => process.stdin.once('data', resolve));
    socket.write('2000\n');
    await sleep(1500);
    socket.destroy();
  },
};

if (role === 'server') runServer();
else if (role === 'client') {
  const run = scenarios[scenario];
  if (run === undefined) throw new Error(`unknown scenario ${scenario}`);
  await run();
  process.exit(0);
} else throw new Error('usage: lab-traffic.mjs server | client <scenario> <host> [args]');
