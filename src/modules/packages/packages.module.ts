import { Module } from '@nestjs/common';
import { FamiliesModule } from '../families/families.module.js';
import { ReferralsModule } from '../referrals/referrals.module.js';
import { UsersModule } from '../users/users.module.js';
import { PackagesRepository } from './packages.repository.js';
import { FamilyPackagesResolver, PackagesResolver } from './packages.resolver.js';
import { PackagesService } from './packages.service.js';

@Module({
  imports: [FamiliesModule, ReferralsModule, UsersModule],
  providers: [PackagesRepository, PackagesService, PackagesResolver, FamilyPackagesResolver],
})
export class PackagesModule {}
