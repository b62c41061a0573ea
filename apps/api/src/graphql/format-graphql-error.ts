import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import { mapError } from '../common/errors/error-mapping.js';

/**
 * Puts our error codes in `extensions.code` and hides internal details. Errors GraphQL
 * itself raised (validation, parse, armor limits) keep their message: they describe the
 * query, not the server.
 */
export function formatGraphqlError(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const original = (error as { originalError?: unknown } | null)?.originalError;
  // Apollo wraps validation errors (including the depth and cost limits) around GraphQL's own.
  if (!original || original instanceof GraphQLError) {
    const { stacktrace: _ignored, ...extensions } = (formatted.extensions ?? {}) as Record<
      string,
      unknown
    >;
    return { ...formatted, extensions };
  }
  const mapped = mapError(original);
  return {
    message: mapped.expose ? mapped.message : 'internal error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: mapped.code },
  };
}
