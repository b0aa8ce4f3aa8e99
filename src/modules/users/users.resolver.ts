import { Args, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/actor.js';
import { CurrentActor, Loaders } from '../../graphql/context.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { DirectoryService } from '../directory/directory.service.js';
import { AgencyType } from '../directory/dto/directory.types.js';
import { CreateUserInput, UpdateUserRolesInput } from './dto/user.inputs.js';
import { UserType } from './dto/user.type.js';
import { UsersService } from './users.service.js';

@Resolver(() => UserType)
export class UsersResolver {
  constructor(
    private readonly usersService: UsersService,
    private readonly directory: DirectoryService,
  ) {}

  @Query(() => UserType)
  me(@CurrentActor() actor: Actor) {
    return this.usersService.me(actor);
  }

  @Query(() => [UserType])
  users(@CurrentActor() actor: Actor) {
    return this.usersService.list(actor);
  }

  @Mutation(() => UserType)
  createUser(@CurrentActor() actor: Actor, @Args('input') input: CreateUserInput) {
    return this.usersService.create(actor, input);
  }

  @Mutation(() => UserType, {
    description: "Replaces a user's roles and agency; effective from their next request.",
  })
  setUserRoles(
    @CurrentActor() actor: Actor,
    @Args('id', { type: () => ID }) id: string,
    @Args('input') input: UpdateUserRolesInput,
  ) {
    return this.usersService.setRoles(actor, id, input);
  }

  @Mutation(() => UserType, { description: 'Locks the user out from their next request.' })
  deactivateUser(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return this.usersService.deactivate(actor, id);
  }

  @ResolveField(() => AgencyType, { nullable: true })
  agency(@Parent() user: UserType, @Loaders() loaders: RequestLoaders) {
    return user.agencyId ? this.directory.agency(user.agencyId, loaders) : null;
  }
}
