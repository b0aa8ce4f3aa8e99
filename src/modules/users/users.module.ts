import { Module } from '@nestjs/common';
import { DirectoryModule } from '../directory/directory.module.js';
import { CallerCache } from './caller-cache.js';
import { UsersRepository } from './users.repository.js';
import { UsersResolver } from './users.resolver.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [DirectoryModule],
  providers: [CallerCache, UsersRepository, UsersService, UsersResolver],
  exports: [UsersService, UsersRepository, CallerCache],
})
export class UsersModule {}
