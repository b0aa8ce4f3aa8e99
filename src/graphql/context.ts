import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../common/actor.js';
import { unauthenticated } from '../common/errors.js';
import { RequestLoaders } from './request-loaders.js';

export interface AuthenticatedRequest extends FastifyRequest {
  actor?: Actor;
}

export interface GraphQLContext {
  req: AuthenticatedRequest;
  res: FastifyReply;
  loaders: RequestLoaders;
}

export function buildContext(req: AuthenticatedRequest, res: FastifyReply): GraphQLContext {
  return { req, res, loaders: new RequestLoaders() };
}

export function requestIdOf(req: AuthenticatedRequest | undefined): string {
  return req?.id !== undefined ? String(req.id) : 'unknown';
}

/** The signed-in caller (the auth guard has already refused anonymous calls). */
export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const actor = GqlExecutionContext.create(context).getContext<GraphQLContext>().req.actor;
  if (!actor) throw unauthenticated();
  return actor;
});

/** The per-request DataLoaders. */
export const Loaders = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestLoaders =>
    GqlExecutionContext.create(context).getContext<GraphQLContext>().loaders,
);
