import { Global, Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AuditRepository } from './audit.repository.js';
import { AuditResolver } from './audit.resolver.js';
import { AuditService } from './audit.service.js';

/** The audit writer, available to every module (each records its own events in its own transactions). */
@Global()
@Module({
  providers: [AuditRepository, AuditService],
  exports: [AuditService],
})
export class AuditModule {}

/** The admins' read side of the audit trail. */
@Module({
  imports: [UsersModule],
  providers: [AuditResolver],
})
export class AuditQueryModule {}
