import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { programPath } from '../kit/index.js';
import {
  firstOutcome,
  LabReportError,
  parseOutcomes,
  requireAllOk,
  type ConnectionOutcome,
} from './http-lab-programs.js';

const outcome = (id: number, result: string): ConnectionOutcome => ({
  id,
  local: `10.78.1.10:${40000 + id}`,
  remote: '10.78.2.20:8080',
  connectMs: result === 'CONNECT_TIMEOUT' ? null : 1,
  responses: [],
  outcome: result,
  error: result === 'ok' ? null : result,
});

describe('HTTP lab programs', () => {
  it('exist where the kit looks for them', () => {
    expect(existsSync(programPath('sized-response-http-server'))).toBe(true);
    expect(existsSync(programPath('scripted-http-client'))).toBe(true);
  });

  it("reads the client's report and rejects a malformed one", () => {
    expect(parseOutcomes([outcome(0, 'ok')])).toHaveLength(1);
    expect(() => parseOutcomes({})).toThrow(LabReportError);
    expect(() => parseOutcomes([{ id: 0 }])).toThrow(/local socket or outcome/);
  });

  it('names the first connection, in opening order, that failed the expected way', () => {
    const results = [outcome(3, 'ECONNRESET'), outcome(1, 'ok'), outcome(2, 'ECONNRESET')];
    expect(firstOutcome(results, ['ECONNRESET']).id).toBe(2);
    expect(() => firstOutcome(results, ['CONNECT_TIMEOUT'])).toThrow(/no connection ended/);
  });

  it('fails a healthy lab on any failed connection not explicitly allowed', () => {
    expect(() => requireAllOk([outcome(0, 'ok'), outcome(1, 'ECONNREFUSED')])).toThrow(/1 failed/);
    expect(() => requireAllOk([outcome(1, 'ECONNREFUSED')], ['ECONNREFUSED'])).not.toThrow();
  });
});
