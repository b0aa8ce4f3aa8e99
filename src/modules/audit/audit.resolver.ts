import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/actor.js';
import { CurrentActor, Loaders } from '../../graphql/context.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { UserType } from '../users/dto/user.type.js';
import { UsersService } from '../users/users.service.js';
import { AuditEventConnection, AuditEventType } from './dto/audit-event.type.js';
import { AuditService } from './audit.service.js';

@Resolver(() => AuditEventType)
export class AuditResolver {
  constructor(
    private readonly audit: AuditService,
    private readonly users: UsersService,
  ) {}

  @Query(() => AuditEventConnection)
  auditEvents(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('entityId', { type: () => ID, nullable: true }) entityId?: string,
    @Args('actorId', { type: () => ID, nullable: true }) actorId?: string,
  ) {
    return this.audit.list(actor, { first, after, entityId, actorId });
  }

  @ResolveField(() => UserType, { nullable: true })
  actor(@Parent() event: AuditEventType, @CurrentActor() actor: Actor, @Loaders() loaders: RequestLoaders) {
    return event.actorId ? this.users.userForDisplay(actor, event.actorId, loaders) : null;
  }
}
