import { describe, expect, it } from 'vitest';
import type { LabProgram, LabTopology } from '../kit/index.js';
import { cleanExchange, listeningServer, serveHttp } from './healthy-lab-scaffold.js';
import { LabReportError } from './http-lab-programs.js';

/** Stands in for a started program: records start/stop order, reports `outcomes` when done. */
function fakeProgram(name: string, journal: string[], outcomes: string[] = []): LabProgram {
  journal.push(`start ${name}`);
  const results = outcomes.map((outcome, id) => ({
    id,
    local: `10.78.1.10:${40000 + id}`,
    remote: '10.78.1.20:80',
    outcome,
  }));
  return {
    waitFor: () => Promise.resolve({ event: 'done', results }),
    stop: () => {
      journal.push(`stop ${name}`);
      return Promise.resolve();
    },
  } as unknown as LabProgram;
}

describe('healthy lab scaffold', () => {
  it('starts listeners in order, runs the client, stops the last-started listener first', async () => {
    const journal: string[] = [];
    await cleanExchange({
      listeners: [
        () => Promise.resolve(fakeProgram('app', journal)),
        () => Promise.resolve(fakeProgram('proxy', journal)),
      ],
      client: () => fakeProgram('client', journal, ['ok', 'ok']),
      whileClientRuns: () => Promise.resolve(void journal.push('look')),
    });
    expect(journal).toEqual([
      'start app',
      'start proxy',
      'start client',
      'look',
      'stop proxy',
      'stop app',
    ]);
  });

  it('fails when a connection did not end well, leaving the listeners to the lab teardown', async () => {
    const journal: string[] = [];
    await expect(
      cleanExchange({
        listeners: [() => Promise.resolve(fakeProgram('server', journal))],
        client: () => fakeProgram('client', journal, ['ok', 'ECONNRESET']),
      }),
    ).rejects.toBeInstanceOf(LabReportError);
    expect(journal).not.toContain('stop server');
  });

  it('listens on every address for 15 s unless told otherwise', () => {
    expect(listeningServer(8080, '/b/server.log')).toEqual({
      host: '0.0.0.0',
      port: 8080,
      logFile: '/b/server.log',
      runForMs: 15_000,
    });
    expect(listeningServer(3000, '/b/s.log', { backlog: 1024, runForMs: 20_000 })).toMatchObject({
      backlog: 1024,
      runForMs: 20_000,
    });
  });

  it('starts an HTTP listener only when the exchange asks for it', () => {
    const untouchable = new Proxy({} as LabTopology, {
      get: () => {
        throw new Error('the lab was used before the exchange began');
      },
    });
    expect(typeof serveHttp(untouchable, 'server', listeningServer(80, '/b/s.log'))).toBe(
      'function',
    );
  });
});
