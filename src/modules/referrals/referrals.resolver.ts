import { Args, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Actor } from '../../common/actor.js';
import { CurrentActor, Loaders } from '../../graphql/context.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { DateTimeScalar } from '../../graphql/scalars.js';
import { selectedFieldNames } from '../../graphql/selection.js';
import { AgencyType, ServiceType } from '../directory/dto/directory.types.js';
import { FamilyMemberType, FamilyType } from '../families/dto/family.types.js';
import { UserType } from '../users/dto/user.type.js';
import { UsersService } from '../users/users.service.js';
import { CreateReferralInput, ReferralFilter } from './dto/referral.inputs.js';
import { ReferralConnection, ReferralEventType, ReferralType } from './dto/referral.types.js';
import { ReferralsService } from './referrals.service.js';

const idArg = () => Args('id', { type: () => ID });
const versionArg = () => Args('expectedVersion', { type: () => Int, nullable: true });
const occurredAtArg = () => Args('occurredAt', { type: () => DateTimeScalar, nullable: true });

@Resolver(() => ReferralType)
export class ReferralsResolver {
  constructor(
    private readonly referralsService: ReferralsService,
    private readonly users: UsersService,
  ) {}

  @Query(() => ReferralType, { nullable: true })
  referral(@CurrentActor() actor: Actor, @idArg() id: string) {
    return this.referralsService.referral(actor, id);
  }

  @Query(() => ReferralConnection)
  referrals(
    @CurrentActor() actor: Actor,
    @Loaders() loaders: RequestLoaders,
    @Info() info: GraphQLResolveInfo,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('filter', { type: () => ReferralFilter, nullable: true }) filter?: ReferralFilter,
  ) {
    const fields = new Set([
      ...selectedFieldNames(info, ['nodes']),
      ...selectedFieldNames(info, ['edges', 'node']),
    ]);
    const events = new Set([
      ...selectedFieldNames(info, ['nodes', 'events']),
      ...selectedFieldNames(info, ['edges', 'node', 'events']),
    ]);
    return this.referralsService.referrals(
      actor,
      { first, after, filter },
      { loaders, shown: { fields, events } },
    );
  }

  @Mutation(() => ReferralType)
  createReferral(@CurrentActor() actor: Actor, @Args('input') input: CreateReferralInput) {
    return this.referralsService.createReferral(actor, input);
  }

  @Mutation(() => ReferralType)
  sendReferral(
    @CurrentActor() actor: Actor,
    @idArg() id: string,
    @versionArg() expectedVersion?: number,
    @occurredAtArg() occurredAt?: Date,
  ) {
    return this.referralsService.transition(actor, 'send', id, { expectedVersion, occurredAt });
  }

  @Mutation(() => ReferralType)
  acceptReferral(
    @CurrentActor() actor: Actor,
    @idArg() id: string,
    @versionArg() expectedVersion?: number,
    @occurredAtArg() occurredAt?: Date,
  ) {
    return this.referralsService.transition(actor, 'accept', id, { expectedVersion, occurredAt });
  }

  @Mutation(() => ReferralType)
  declineReferral(
    @CurrentActor() actor: Actor,
    @idArg() id: string,
    @Args('reason') reason: string,
    @versionArg() expectedVersion?: number,
    @occurredAtArg() occurredAt?: Date,
  ) {
    return this.referralsService.transition(actor, 'decline', id, {
      expectedVersion,
      occurredAt,
      note: reason,
    });
  }

  @Mutation(() => ReferralType)
  startReferral(
    @CurrentActor() actor: Actor,
    @idArg() id: string,
    @versionArg() expectedVersion?: number,
    @occurredAtArg() occurredAt?: Date,
  ) {
    return this.referralsService.transition(actor, 'start', id, { expectedVersion, occurredAt });
  }

  @Mutation(() => ReferralType)
  completeReferral(
    @CurrentActor() actor: Actor,
    @idArg() id: string,
    @Args('outcome') outcome: string,
    @versionArg() expectedVersion?: number,
    @occurredAtArg() occurredAt?: Date,
  ) {
    return this.referralsService.transition(actor, 'complete', id, {
      expectedVersion,
      occurredAt,
      note: outcome,
    });
  }

  @Mutation(() => ReferralType)
  withdrawReferral(
    @CurrentActor() actor: Actor,
    @idArg() id: string,
    @Args('reason') reason: string,
    @versionArg() expectedVersion?: number,
    @occurredAtArg() occurredAt?: Date,
  ) {
    return this.referralsService.transition(actor, 'withdraw', id, {
      expectedVersion,
      occurredAt,
      note: reason,
    });
  }

  @ResolveField(() => FamilyType)
  family(@Parent() referral: ReferralType, @CurrentActor() actor: Actor, @Loaders() loaders: RequestLoaders) {
    return this.referralsService.familyOf(actor, referral, loaders);
  }

  @ResolveField(() => [FamilyMemberType])
  children(@Parent() referral: ReferralType, @Loaders() loaders: RequestLoaders) {
    return this.referralsService.children(referral, loaders);
  }

  @ResolveField(() => ServiceType)
  service(@Parent() referral: ReferralType, @Loaders() loaders: RequestLoaders) {
    return this.referralsService.serviceOf(referral, loaders);
  }

  @ResolveField(() => AgencyType)
  agency(@Parent() referral: ReferralType, @Loaders() loaders: RequestLoaders) {
    return this.referralsService.agencyOf(referral, loaders);
  }

  @ResolveField(() => UserType)
  referredBy(
    @Parent() referral: ReferralType,
    @CurrentActor() actor: Actor,
    @Loaders() loaders: RequestLoaders,
  ) {
    return this.users.userForDisplay(actor, referral.referredById, loaders);
  }

  @ResolveField(() => Int, {
    nullable: true,
    description: 'Whole days from receipt to start, or to today while still waiting.',
  })
  waitingDays(@Parent() referral: ReferralType) {
    return this.referralsService.waitingDays(referral);
  }

  @ResolveField(() => [ReferralEventType])
  events(@Parent() referral: ReferralType, @CurrentActor() actor: Actor, @Loaders() loaders: RequestLoaders) {
    return this.referralsService.events(actor, referral, loaders);
  }
}

@Resolver(() => ReferralEventType)
export class ReferralEventResolver {
  constructor(private readonly service: ReferralsService) {}

  @ResolveField(() => UserType)
  actor(
    @Parent() event: ReferralEventType,
    @CurrentActor() actor: Actor,
    @Loaders() loaders: RequestLoaders,
  ) {
    return this.service.eventActor(actor, event, loaders);
  }
}

/** Family.referrals: what the caller sees of the family's referrals depends on the family's access stamp. */
@Resolver(() => FamilyType)
export class FamilyReferralsResolver {
  constructor(private readonly service: ReferralsService) {}

  @ResolveField(() => [ReferralType])
  referrals(
    @Parent() family: FamilyType,
    @CurrentActor() actor: Actor,
    @Loaders() loaders: RequestLoaders,
    @Info() info: GraphQLResolveInfo,
  ) {
    const shown = { fields: selectedFieldNames(info, []), events: selectedFieldNames(info, ['events']) };
    return this.service.familyReferrals(actor, family, loaders, shown);
  }
}
