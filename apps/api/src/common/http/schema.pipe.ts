import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { AppError, AppErrorCode } from '../errors/app.error.js';

/**
 * Validates (and normalises) a REST body or GraphQL argument at the edge with a zod
 * schema; the error names each bad field so a tool author can fix the call.
 */
export class SchemaPipe<Schema extends z.ZodType> implements PipeTransform<
  unknown,
  z.infer<Schema>
> {
  constructor(
    private readonly schema: Schema,
    private readonly what = 'input',
  ) {}

  transform(value: unknown): z.infer<Schema> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const problems = result.error.issues.map(
      (issue) => `${[this.what, ...issue.path.map(String)].join('.')}: ${issue.message}`,
    );
    throw new AppError(AppErrorCode.BadUserInput, problems.join('; '), { problems });
  }
}
