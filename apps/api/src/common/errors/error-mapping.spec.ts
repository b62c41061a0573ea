import { NotFoundException } from '@nestjs/common';
import { GraphQLError } from 'graphql';
import { BadInputError } from '@netmortem/domain';
import { ObjectTooLargeError } from '@netmortem/storage';
import { describe, expect, it } from 'vitest';
import { formatGraphqlError } from '../../graphql/format-graphql-error.js';
import { AppError, AppErrorCode } from './app.error.js';
import { mapError } from './error-mapping.js';

describe(mapError.name, () => {
  it('should map our errors to status codes and keep their messages', () => {
    expect(mapError(new AppError(AppErrorCode.Forbidden, 'no'))).toMatchObject({
      status: 403,
      code: 'FORBIDDEN',
      message: 'no',
    });
    expect(mapError(new ObjectTooLargeError(10))).toMatchObject({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    });
    expect(mapError(new BadInputError('X', 'bad cursor'))).toMatchObject({
      status: 400,
      code: 'BAD_USER_INPUT',
    });
    expect(mapError(new NotFoundException())).toMatchObject({
      status: 404,
      code: 'NOT_FOUND',
      expose: true,
    });
  });

  it('should hide what went wrong inside', () => {
    expect(mapError(new Error('password=hunter2 in a connection string'))).toEqual({
      status: 500,
      code: 'INTERNAL_SERVER_ERROR',
      message: 'internal error',
      expose: false,
    });
  });
});

describe(formatGraphqlError.name, () => {
  it('should put our code in extensions and drop internals', () => {
    const formatted = formatGraphqlError(
      { message: 'boom', path: ['incident'], extensions: { code: 'X', stacktrace: ['…'] } },
      { originalError: new Error('database exploded') },
    );
    expect(formatted).toEqual({
      message: 'internal error',
      path: ['incident'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('should keep the message of errors GraphQL raised itself, even when Apollo wraps them', () => {
    const formatted = formatGraphqlError(
      { message: 'Query depth limit of 10 exceeded', extensions: { code: 'BAD_USER_INPUT' } },
      { originalError: new GraphQLError('Query depth limit of 10 exceeded') },
    );
    expect(formatted.message).toBe('Query depth limit of 10 exceeded');
  });

  it('should keep GraphQL validation errors as they are, minus stack traces', () => {
    const formatted = formatGraphqlError(
      {
        message: 'Cannot query field "x"',
        extensions: { code: 'GRAPHQL_VALIDATION_FAILED', stacktrace: ['…'] },
      },
      {},
    );
    expect(formatted).toEqual({
      message: 'Cannot query field "x"',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });
});
