import { describe, expect, it } from 'vitest';
import { collectorCommand } from './collector-command';

describe(collectorCommand.name, () => {
  it('should fetch the script from this server and pass the duration', () => {
    expect(collectorCommand('https://nm.example/')).toBe(
      'curl -fsS https://nm.example/collect.sh | sudo sh -s -- --duration 30',
    );
    expect(collectorCommand('http://127.0.0.1:3000', 60)).toMatch(/--duration 60$/);
  });
});
