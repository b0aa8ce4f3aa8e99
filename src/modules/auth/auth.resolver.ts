import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/actor.js';
import { badInput } from '../../common/errors.js';
import { CurrentActor, type GraphQLContext } from '../../graphql/context.js';
import { AuthService } from './auth.service.js';
import { AuthPayload } from './dto/auth.types.js';
import { Public } from './public.decorator.js';

@Resolver()
export class AuthResolver {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Mutation(() => AuthPayload)
  login(@Args('email') email: string, @Args('password') password: string, @Context() ctx: GraphQLContext) {
    if (email.length > 254 || password.length > 256) throw badInput('email or password too long');
    return this.auth.login(email, password, ctx.req.ip ?? 'unknown');
  }

  @Mutation(() => Boolean, { description: 'Revokes the token used for this request.' })
  logout(@CurrentActor() actor: Actor) {
    return this.auth.logout(actor);
  }
}
