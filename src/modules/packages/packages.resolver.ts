import { Args, ID, Mutation, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/actor.js';
import { CurrentActor, Loaders } from '../../graphql/context.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { FamilyType } from '../families/dto/family.types.js';
import { ReferralType } from '../referrals/dto/referral.types.js';
import { ReferralsService } from '../referrals/referrals.service.js';
import { UserType } from '../users/dto/user.type.js';
import { UsersService } from '../users/users.service.js';
import { CreateSupportPackageInput } from './dto/package.inputs.js';
import { SupportPackageType } from './dto/package.types.js';
import { PackagesService } from './packages.service.js';

/** Packages are handed out only to the family's lead professional and admins, so their fields need no further check. */
@Resolver(() => SupportPackageType)
export class PackagesResolver {
  constructor(
    private readonly packages: PackagesService,
    private readonly referralsService: ReferralsService,
    private readonly users: UsersService,
  ) {}

  @Mutation(() => SupportPackageType)
  createSupportPackage(@CurrentActor() actor: Actor, @Args('input') input: CreateSupportPackageInput) {
    return this.packages.createSupportPackage(actor, input);
  }

  @Mutation(() => SupportPackageType)
  closeSupportPackage(@CurrentActor() actor: Actor, @Args('id', { type: () => ID }) id: string) {
    return this.packages.closeSupportPackage(actor, id);
  }

  @ResolveField(() => FamilyType)
  family(
    @Parent() pkg: SupportPackageType,
    @CurrentActor() actor: Actor,
    @Loaders() loaders: RequestLoaders,
  ) {
    return this.packages.familyOf(actor, pkg, loaders);
  }

  @ResolveField(() => UserType)
  leadProfessional(
    @Parent() pkg: SupportPackageType,
    @CurrentActor() actor: Actor,
    @Loaders() loaders: RequestLoaders,
  ) {
    return this.users.userForDisplay(actor, pkg.leadProfessionalId, loaders);
  }

  @ResolveField(() => [ReferralType])
  referrals(@Parent() pkg: SupportPackageType, @Loaders() loaders: RequestLoaders) {
    return this.referralsService.packageReferrals(pkg.id, loaders);
  }
}

@Resolver(() => FamilyType)
export class FamilyPackagesResolver {
  constructor(private readonly packagesService: PackagesService) {}

  @ResolveField(() => [SupportPackageType])
  packages(@Parent() family: FamilyType, @Loaders() loaders: RequestLoaders) {
    return this.packagesService.familyPackages(family, loaders);
  }
}
