import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor, UserProfile } from '../../common/actor.js';
import { requireAnyRole } from '../../common/actor.js';
import { Role } from '../../common/enums.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { AuditService } from '../audit/audit.service.js';
import { hashPassword } from '../auth/passwords.js';
import { DirectoryRepository } from '../directory/directory.repository.js';
import type { CreateUserInput, UpdateUserRolesInput } from './dto/user.inputs.js';
import type { UserEntity } from './user.entity.js';
import { CallerCache } from './caller-cache.js';
import { UserErrors } from './users.errors.js';
import { userLoader } from './users.loaders.js';
import { UsersRepository } from './users.repository.js';

@Injectable()
export class UsersService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: UsersRepository,
    private readonly directory: DirectoryRepository,
    private readonly audit: AuditService,
    private readonly callers: CallerCache,
  ) {}

  async me(actor: Actor): Promise<UserEntity> {
    const user = await this.repo.findById(actor.id);
    if (!user) throw UserErrors.notFound();
    return user;
  }

  list(actor: Actor) {
    requireAnyRole(actor, Role.ADMIN);
    return this.repo.list();
  }

  /**
   * A colleague's name and roles shown beside a record the caller may already see
   * (lead professional, referrer, event actor). The caller's right to the record is
   * checked by the record's own service.
   */
  userForDisplay(actor: Actor, id: string, loaders: RequestLoaders) {
    return userLoader(loaders, this.repo, actor.profile).load(id);
  }

  /**
   * Rows another module read along with its own (an event's actor), kept for `userForDisplay` in
   * this request so they are not read again.
   */
  keepForDisplay(actor: Actor, users: readonly UserProfile[], loaders: RequestLoaders): void {
    const loader = userLoader(loaders, this.repo, actor.profile);
    for (const user of users) loader.prime(user.id, user);
  }

  async create(actor: Actor, input: CreateUserInput) {
    requireAnyRole(actor, Role.ADMIN);
    const roles = [...new Set(input.roles)];
    await this.checkAgency(roles, input.agencyId ?? null);
    const passwordHash = await hashPassword(input.password);
    return this.db.transaction(async (m) => {
      if (await this.repo.emailExists(m, input.email)) throw UserErrors.emailTaken();
      const user = await this.repo
        .insert(m, {
          email: input.email.toLowerCase(),
          name: input.name,
          passwordHash,
          roles,
          agencyId: input.agencyId ?? null,
          active: true,
        })
        .catch((error: { driverError?: { code?: string } }) => {
          // A concurrent create with the same email lost the race on the unique index.
          if (error?.driverError?.code === '23505') throw UserErrors.emailTaken();
          throw error;
        });
      await this.audit.record(m, actor, { action: 'user.create', entityType: 'User', entityId: user.id });
      return user;
    });
  }

  async setRoles(actor: Actor, id: string, input: UpdateUserRolesInput) {
    requireAnyRole(actor, Role.ADMIN);
    const roles = [...new Set(input.roles)];
    await this.checkAgency(roles, input.agencyId ?? null);
    const change = this.db.transaction(async (m) => {
      const user = await this.repo.update(m, id, { roles, agencyId: input.agencyId ?? null });
      if (!user) throw UserErrors.notFound();
      await this.audit.record(m, actor, {
        action: 'user.roles',
        entityType: 'User',
        entityId: id,
        details: { roles },
      });
      return user;
    });
    return this.changingAccess(change);
  }

  async deactivate(actor: Actor, id: string) {
    requireAnyRole(actor, Role.ADMIN);
    if (id === actor.id) throw UserErrors.selfDeactivation();
    const change = this.db.transaction(async (m) => {
      const user = await this.repo.update(m, id, { active: false });
      if (!user) throw UserErrors.notFound();
      await this.audit.record(m, actor, { action: 'user.deactivate', entityType: 'User', entityId: id });
      return user;
    });
    return this.changingAccess(change);
  }

  /**
   * Callers kept in memory are dropped once a change to access has committed (or failed), before
   * the change is answered: the next request of the user concerned is checked against it.
   */
  private async changingAccess<T>(change: Promise<T>): Promise<T> {
    try {
      return await change;
    } finally {
      this.callers.invalidate();
    }
  }

  private async checkAgency(roles: Role[], agencyId: string | null) {
    if (roles.includes(Role.AGENCY_STAFF) && !agencyId) throw UserErrors.agencyRequired();
    if (agencyId && (await this.directory.agenciesByIds([agencyId])).length !== 1)
      throw UserErrors.agencyMissing();
  }
}
