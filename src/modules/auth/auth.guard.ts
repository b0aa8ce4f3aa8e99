import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import { type AuthenticatedRequest, type GraphQLContext, requestIdOf } from '../../graphql/context.js';
import { AuthErrors } from './auth.errors.js';
import { AuthService } from './auth.service.js';
import { IS_PUBLIC } from './public.decorator.js';

const pending = new WeakMap<AuthenticatedRequest, Promise<unknown>>();

/**
 * Global guard: every GraphQL root field needs a valid bearer token unless marked @Public.
 * The token is verified on every request; the user's roles, agency, `active` flag and the
 * token's revocation come from the database, kept between the requests of a sign-in until
 * access changes (CallerCache), so deactivation and role changes apply from the next request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType<string>() !== 'graphql') return true; // plain HTTP routes (health) are public by design
    const isPublic = this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = GqlExecutionContext.create(context).getContext<GraphQLContext>().req;
    if (req.actor) return true;
    // Several root fields of one operation share one look-up.
    let lookup = pending.get(req);
    if (!lookup) {
      lookup = this.resolveActor(req);
      pending.set(req, lookup);
    }
    await lookup;
    return true;
  }

  private async resolveActor(req: AuthenticatedRequest): Promise<void> {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([A-Za-z0-9_.-]{10,4096})$/.exec(header) : null;
    if (!match) throw AuthErrors.invalidToken();
    req.actor = await this.auth.authenticate(match[1], requestIdOf(req));
  }
}
