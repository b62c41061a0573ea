import type { ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request } from 'express';
import type { Actor } from './actor.js';

/** Our additions to Express's request. */
export type AppRequest = Request & { actor?: Actor; authenticatedBy?: 'token' | 'session' };

/** GraphQL context: HTTP requests carry `req`; graphql-ws connections carry the actor directly. */
export interface GraphqlContext {
  req?: AppRequest;
  actor?: Actor;
  requestId?: string;
}

export function graphqlContextOf(context: ExecutionContext): GraphqlContext {
  return GqlExecutionContext.create(context).getContext<GraphqlContext>();
}

export function actorOf(context: ExecutionContext): Actor | undefined {
  if (context.getType<string>() === 'graphql') {
    const gql = graphqlContextOf(context);
    return gql.actor ?? gql.req?.actor;
  }
  return context.switchToHttp().getRequest<AppRequest>().actor;
}

export function requestIdOf(context: ExecutionContext): string {
  if (context.getType<string>() === 'graphql') {
    const gql = graphqlContextOf(context);
    return gql.requestId ?? (gql.req ? requestIdOfRequest(gql.req) : 'unknown');
  }
  return requestIdOfRequest(context.switchToHttp().getRequest<AppRequest>());
}

/** pino-http assigns `req.id` (see requestIdFor); it is always our string. */
export function requestIdOfRequest(request: AppRequest): string {
  const id: unknown = request.id;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : 'unknown';
}
