import { Controller, Get, HttpCode, Res } from '@nestjs/common';
import { DatabaseHealth } from '@netmortem/db';
import type { Response } from 'express';
import { Public } from '../../common/auth/public.decorator.js';
import { AnalysisQueue } from '../queue/analysis-queue.service.js';

type Check = { ok: true } | { ok: false; error: string };

/** Liveness (the process answers) and readiness (its dependencies answer). */
@Public()
@Controller()
export class HealthController {
  constructor(
    private readonly database: DatabaseHealth,
    private readonly queue: AnalysisQueue,
  ) {}

  @Get('healthz')
  @HttpCode(200)
  healthz(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('readyz')
  async readyz(@Res({ passthrough: true }) response: Response): Promise<Record<string, unknown>> {
    const [database, queue] = await Promise.all([
      probe(() => this.database.ping()),
      probe(() => this.queue.ping()),
    ]);
    const ready = database.ok && queue.ok;
    response.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'unavailable', checks: { database, queue } };
  }
}

async function probe(check: () => Promise<void>): Promise<Check> {
  try {
    await Promise.race([
      check(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('timed out after 2000 ms')), 2000).unref(),
      ),
    ]);
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
