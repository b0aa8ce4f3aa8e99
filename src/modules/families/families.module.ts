import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module.js';
import { UsersModule } from '../users/users.module.js';
import { FamiliesRepository } from './families.repository.js';
import {
  ConsentResolver,
  FamiliesResolver,
  LeadProfessionalAssignmentResolver,
} from './families.resolver.js';
import { FamiliesService } from './families.service.js';

@Module({
  imports: [DirectoryModule, UsersModule],
  providers: [
    FamiliesRepository,
    FamiliesService,
    FamiliesResolver,
    ConsentResolver,
    LeadProfessionalAssignmentResolver,
  ],
  exports: [FamiliesService, FamiliesRepository],
})
export class FamiliesModule {}
