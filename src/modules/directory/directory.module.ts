import { Module } from '@nestjs/common';
import { DirectoryCache } from './directory-cache.js';
import { DirectoryRepository } from './directory.repository.js';
import { AgencyResolver, AreaResolver, ServiceResolver } from './directory.resolver.js';
import { DirectoryService } from './directory.service.js';

@Module({
  providers: [
    DirectoryRepository,
    DirectoryCache,
    DirectoryService,
    AreaResolver,
    AgencyResolver,
    ServiceResolver,
  ],
  exports: [DirectoryService, DirectoryRepository],
})
export class DirectoryModule {}
