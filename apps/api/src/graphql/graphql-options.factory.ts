import type { IncomingMessage } from 'node:http';
import type { ApolloDriverConfig } from '@nestjs/apollo';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { Context } from 'graphql-ws';
import type { Actor } from '../common/auth/actor.js';
import type { AppRequest, GraphqlContext } from '../common/auth/request-context.js';
import { readCookie } from '../common/http/cookies.js';
import type { ApiEnv } from '../config/api-config.js';
import { AuthService, SESSION_COOKIE } from '../modules/auth/auth.service.js';
import { formatGraphqlError } from './format-graphql-error.js';
import { JSONScalar } from './scalars/json.scalar.js';

interface SocketExtra {
  request: IncomingMessage;
  actor?: Actor;
  requestId?: string;
}

/** Code-first Apollo, no browser IDE (it would load from a CDN), limits from config. */
export function graphqlOptions(config: ApiEnv, auth: AuthService): ApolloDriverConfig {
  const armor = new ApolloArmor({
    maxDepth: { n: config.GRAPHQL_MAX_DEPTH, ignoreIntrospection: true },
    costLimit: { maxCost: config.GRAPHQL_MAX_COST, ignoreIntrospection: true },
    maxAliases: { n: 30 },
    maxDirectives: { n: 30 },
    maxTokens: { n: 5000 },
    blockFieldSuggestion: { enabled: config.NODE_ENV === 'production' },
  }).protect();

  return {
    autoSchemaFile: process.env.GRAPHQL_SCHEMA_FILE ?? true,
    sortSchema: true,
    resolvers: { JSON: JSONScalar },
    graphiql: false,
    playground: false,
    introspection: true,
    csrfPrevention: true,
    path: '/graphql',
    // graphql-armor is typed against Apollo's CommonJS build; the objects are the same.
    plugins: armor.plugins as unknown as ApolloDriverConfig['plugins'],
    validationRules: armor.validationRules,
    allowBatchedHttpRequests: false,
    includeStacktraceInErrorResponses: false,
    formatError: formatGraphqlError,
    subscriptions: {
      'graphql-ws': {
        path: '/graphql',
        // Authenticate once per connection; an unauthenticated socket is closed (4403).
        onConnect: async (context: Context<Record<string, unknown> | undefined, unknown>) => {
          const socket = context as Context<Record<string, unknown> | undefined, SocketExtra>;
          const actor = await authenticateSocket(auth, socket);
          if (!actor) return false;
          socket.extra.actor = actor;
          socket.extra.requestId = `ws-${Date.now().toString(36)}`;
          return true;
        },
      },
    },
    context: (input: { req?: AppRequest; extra?: SocketExtra }): GraphqlContext => {
      if (input.extra) {
        return {
          ...(input.extra.actor ? { actor: input.extra.actor } : {}),
          ...(input.extra.requestId ? { requestId: input.extra.requestId } : {}),
        };
      }
      return { ...(input.req ? { req: input.req } : {}) };
    },
  };
}

async function authenticateSocket(
  auth: AuthService,
  context: Context<Record<string, unknown> | undefined, SocketExtra>,
): Promise<Actor | null> {
  const params = context.connectionParams ?? {};
  const header = params.authorization ?? params.Authorization;
  const bearer = typeof header === 'string' ? header.match(/^Bearer\s+(\S+)$/i)?.[1] : undefined;
  try {
    const caller = await auth.authenticate(
      bearer
        ? { bearer }
        : { sessionCookie: readCookie(context.extra.request.headers.cookie, SESSION_COOKIE) },
    );
    return caller?.actor ?? null;
  } catch {
    return null;
  }
}
