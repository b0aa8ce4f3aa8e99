import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Request, Response } from 'express';
import type { Actor } from '../common/actor.js';
import { unauthenticated } from '../common/errors.js';
import { RequestLoaders } from './request-loaders.js';

export interface AuthenticatedRequest extends Request {
  actor?: Actor;
}

export interface GraphQLContext {
  req: AuthenticatedRequest;
  res: Response;
  loaders: RequestLoaders;
}

export function buildContext({ req, res }: { req: AuthenticatedRequest; res: Response }): GraphQLContext {
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
