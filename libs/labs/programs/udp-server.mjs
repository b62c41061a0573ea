#!/usr/bin/env node
// A DNS-like UDP responder for labs: answers each query (real DNS wire format) with one
// record. Arguments: { listen: { host, port }, logFile, label, delayMs }
// Events on stdout: listening, request {from, name, type}.
import dgram from 'node:dgram';
import { decodeQuery, encodeAnswer } from './dns-wire.mjs';
import { appLog, emit, parseArgs } from './program-io.mjs';

const args = parseArgs();
const log = appLog(args.logFile, args.label ?? 'dns');
const socket = dgram.createSocket('udp4');
socket.on('message', (packet, from) => {
  const peer = `${from.address}:${from.port}`;
  let query;
  try {
    query = decodeQuery(packet);
  } catch {
    log(`malformed query from ${peer}`);
    return;
  }
  log(`[INFO] ${peer} - ${query.id} "${query.type} IN ${query.name}. udp" NOERROR`);
  emit('request', { from: peer, name: query.name, type: query.type });
  const answer = () => socket.send(encodeAnswer(query, packet), from.port, from.address);
  if (args.delayMs) setTimeout(answer, args.delayMs);
  else answer();
});
socket.bind(args.listen.port, args.listen.host, () => {
  log(`listening on ${args.listen.host}:${args.listen.port}`);
  emit('listening', { address: `${args.listen.host}:${args.listen.port}` });
});
process.on('SIGTERM', () => process.exit(0));
