import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/actor.js';
import { CurrentActor, Loaders } from '../../graphql/context.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { DirectoryService } from './directory.service.js';
import {
  CreateAgencyInput,
  CreateAreaInput,
  CreateServiceInput,
  ServiceFilter,
  UpdateServiceInput,
} from './dto/directory.inputs.js';
import { AgencyType, AreaType, ServiceType } from './dto/directory.types.js';

@Resolver(() => AreaType)
export class AreaResolver {
  constructor(private readonly directory: DirectoryService) {}

  @Query(() => [AreaType])
  areas(@CurrentActor() actor: Actor) {
    return this.directory.areas(actor);
  }

  @Mutation(() => AreaType)
  createArea(@CurrentActor() actor: Actor, @Args('input') input: CreateAreaInput) {
    return this.directory.createArea(actor, input);
  }
}

@Resolver(() => AgencyType)
export class AgencyResolver {
  constructor(private readonly directory: DirectoryService) {}

  @Query(() => [AgencyType])
  agencies(@CurrentActor() actor: Actor) {
    return this.directory.agencies(actor);
  }

  @Mutation(() => AgencyType)
  createAgency(@CurrentActor() actor: Actor, @Args('input') input: CreateAgencyInput) {
    return this.directory.createAgency(actor, input);
  }

  @ResolveField(() => [ServiceType])
  services(@Parent() agency: AgencyType, @Loaders() loaders: RequestLoaders) {
    return this.directory.servicesOfAgency(agency.id, loaders);
  }
}

@Resolver(() => ServiceType)
export class ServiceResolver {
  constructor(private readonly directory: DirectoryService) {}

  @Query(() => [ServiceType])
  services(
    @CurrentActor() actor: Actor,
    @Args('filter', { type: () => ServiceFilter, nullable: true }) filter?: ServiceFilter,
  ) {
    return this.directory.services(actor, filter);
  }

  @Mutation(() => ServiceType)
  createService(@CurrentActor() actor: Actor, @Args('input') input: CreateServiceInput) {
    return this.directory.createService(actor, input);
  }

  @Mutation(() => ServiceType)
  updateService(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateServiceInput,
  ) {
    return this.directory.updateService(actor, id, input);
  }

  @ResolveField(() => AgencyType)
  agency(@Parent() service: ServiceType, @Loaders() loaders: RequestLoaders) {
    return this.directory.agency(service.agencyId, loaders);
  }

  @ResolveField(() => [AreaType])
  areas(@Parent() service: ServiceType, @Loaders() loaders: RequestLoaders) {
    return this.directory.areasOfService(service.id, loaders);
  }
}
