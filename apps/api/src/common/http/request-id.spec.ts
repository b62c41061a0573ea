import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { requestIdFor } from './request-id.js';

function exchange(header?: string): { id: string; echoed: unknown } {
  let echoed: unknown;
  const request = {
    headers: header === undefined ? {} : { 'x-request-id': header },
  } as IncomingMessage;
  const response = {
    setHeader: (_: string, value: unknown) => (echoed = value),
  } as unknown as ServerResponse;
  return { id: requestIdFor(request, response), echoed };
}

describe(requestIdFor.name, () => {
  it("should keep a caller's sane request id and echo it", () => {
    expect(exchange('bot-42.run:7')).toEqual({ id: 'bot-42.run:7', echoed: 'bot-42.run:7' });
  });

  it('should mint one when the header is missing or unsafe to log', () => {
    for (const header of [undefined, '', 'x'.repeat(65), 'evil\nnewline', 'a b']) {
      const { id, echoed } = exchange(header);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(echoed).toBe(id);
    }
  });
});
