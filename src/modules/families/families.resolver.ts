import { Args, ID, Info, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Actor } from '../../common/actor.js';
import { CurrentActor, Loaders } from '../../graphql/context.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { selectedFieldNames } from '../../graphql/selection.js';
import { AgencyType, AreaType } from '../directory/dto/directory.types.js';
import { UserType } from '../users/dto/user.type.js';
import { UsersService } from '../users/users.service.js';
import { ConsentInput, CreateFamilyInput, FamilyMemberInput } from './dto/family.inputs.js';
import {
  ConsentType,
  FamilyConnection,
  FamilyMemberType,
  FamilyType,
  LeadProfessionalAssignmentType,
} from './dto/family.types.js';
import { FamiliesService } from './families.service.js';

@Resolver(() => FamilyType)
export class FamiliesResolver {
  constructor(private readonly service: FamiliesService) {}

  @Query(() => FamilyType, { nullable: true })
  family(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Loaders() loaders: RequestLoaders,
    @Info() info: GraphQLResolveInfo,
  ) {
    const shown = {
      fields: selectedFieldNames(info, []),
      consents: selectedFieldNames(info, ['consents']),
      below: (field: string) => selectedFieldNames(info, [field]),
    };
    return this.service.family(actor, id, loaders, shown);
  }

  @Query(() => FamilyConnection, { name: 'families' })
  families(
    @CurrentActor() actor: Actor,
    @Args('first', { type: () => Int, nullable: true }) first?: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('search', { type: () => String, nullable: true }) search?: string,
    @Args('areaId', { type: () => ID, nullable: true }) areaId?: string,
  ) {
    return this.service.families(actor, { first, after, search, areaId });
  }

  @Mutation(() => FamilyType)
  createFamily(@CurrentActor() actor: Actor, @Args('input') input: CreateFamilyInput) {
    return this.service.createFamily(actor, input);
  }

  @Mutation(() => FamilyMemberType)
  addFamilyMember(
    @CurrentActor() actor: Actor,
    @Args('familyId', { type: () => ID }) familyId: string,
    @Args('input') input: FamilyMemberInput,
  ) {
    return this.service.addFamilyMember(actor, familyId, input);
  }

  @Mutation(() => FamilyType)
  assignLeadProfessional(
    @CurrentActor() actor: Actor,
    @Args('familyId', { type: () => ID }) familyId: string,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('reason', { type: () => String, nullable: true }) reason?: string,
  ) {
    return this.service.assignLeadProfessional(actor, familyId, userId, reason ?? null);
  }

  @ResolveField(() => AreaType)
  area(@Parent() family: FamilyType, @Loaders() loaders: RequestLoaders) {
    return this.service.areaOf(family, loaders);
  }

  @ResolveField(() => [FamilyMemberType])
  members(@Parent() family: FamilyType, @Loaders() loaders: RequestLoaders) {
    return this.service.members(family.id, loaders);
  }

  @ResolveField(() => UserType, { nullable: true })
  leadProfessional(
    @Parent() family: FamilyType,
    @CurrentActor() actor: Actor,
    @Loaders() loaders: RequestLoaders,
  ) {
    return this.service.leadProfessionalOf(actor, family, loaders);
  }

  @ResolveField(() => [LeadProfessionalAssignmentType])
  leadProfessionalHistory(@Parent() family: FamilyType, @Loaders() loaders: RequestLoaders) {
    return this.service.leadProfessionalHistory(family, loaders);
  }

  @ResolveField(() => [ConsentType])
  consents(@Parent() family: FamilyType, @Loaders() loaders: RequestLoaders) {
    return this.service.consents(family, loaders);
  }
}

@Resolver(() => ConsentType)
export class ConsentResolver {
  constructor(private readonly families: FamiliesService) {}

  @Mutation(() => ConsentType)
  recordConsent(
    @CurrentActor() actor: Actor,
    @Args('familyId', { type: () => ID }) familyId: string,
    @Args('input') input: ConsentInput,
  ) {
    return this.families.recordConsent(actor, familyId, input);
  }

  @Mutation(() => ConsentType)
  withdrawConsent(@CurrentActor() actor: Actor, @Args('consentId', { type: () => ID }) consentId: string) {
    return this.families.withdrawConsent(actor, consentId);
  }

  @ResolveField(() => FamilyMemberType)
  givenBy(@Parent() consent: ConsentType, @Loaders() loaders: RequestLoaders) {
    return this.families.consentGiver(consent, loaders);
  }

  @ResolveField(() => [AgencyType])
  agencies(@Parent() consent: ConsentType, @Loaders() loaders: RequestLoaders) {
    return this.families.consentAgencies(consent, loaders);
  }

  @ResolveField(() => Boolean)
  active(@Parent() consent: ConsentType) {
    return this.families.consentActive(consent);
  }
}

@Resolver(() => LeadProfessionalAssignmentType)
export class LeadProfessionalAssignmentResolver {
  constructor(private readonly users: UsersService) {}

  @ResolveField(() => UserType)
  user(
    @Parent() assignment: LeadProfessionalAssignmentType,
    @CurrentActor() actor: Actor,
    @Loaders() loaders: RequestLoaders,
  ) {
    return this.users.userForDisplay(actor, assignment.userId, loaders);
  }
}
