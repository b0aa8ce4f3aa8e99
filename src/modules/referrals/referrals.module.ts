import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module.js';
import { FamiliesModule } from '../families/families.module.js';
import { UsersModule } from '../users/users.module.js';
import { ReferralsRepository } from './referrals.repository.js';
import { FamilyReferralsResolver, ReferralEventResolver, ReferralsResolver } from './referrals.resolver.js';
import { ReferralsService } from './referrals.service.js';

@Module({
  imports: [FamiliesModule, DirectoryModule, UsersModule],
  providers: [
    ReferralsRepository,
    ReferralsService,
    ReferralsResolver,
    ReferralEventResolver,
    FamilyReferralsResolver,
  ],
  exports: [ReferralsService, ReferralsRepository],
})
export class ReferralsModule {}
