import type { Endpoint } from '@netmortem/domain';
import { canonicalIp } from './ip-address.js';

/** `10.0.0.1:80`, `[fd00::1]:443` (and `tcp://`-less URL authorities); undefined otherwise. */
export function parseEndpoint(text: string): Endpoint | undefined {
  const bracketed = /^\[([0-9A-Fa-f:.%\w]+)\]:(\d{1,5})$/.exec(text);
  const plain = bracketed ? undefined : /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  const match = bracketed ?? plain;
  if (!match) return undefined;
  return endpoint(match[1] ?? '', match[2] ?? '');
}

export function endpoint(ipText: string, portText: string | number): Endpoint | undefined {
  const ip = canonicalIp(ipText);
  const port = typeof portText === 'number' ? portText : Number(portText);
  if (!ip || !Number.isInteger(port) || port < 0 || port > 65535) return undefined;
  return { ip, port };
}
