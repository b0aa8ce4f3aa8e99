import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserProfile } from '../../common/actor.js';
import { isId } from '../../common/ids.js';
import { rowsWhereIn } from '../../database/plain-rows.js';
import { prepared } from '../../database/prepared-statements.js';
import { toUserProfile, userProfileColumns } from './user-profile.js';
import { UserEntity } from './user.entity.js';

/** What the auth guard needs per request, read in one round trip. */
export interface UserAccessRow extends UserProfile {
  revoked: boolean;
}

@Injectable()
export class UsersRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findById(id: string): Promise<UserEntity | null> {
    return isId(id) ? this.db.getRepository(UserEntity).findOneBy({ id }) : Promise.resolve(null);
  }

  /** For display: everything but the password hash, which has no business in a request's objects. */
  async findByIds(ids: readonly string[]): Promise<Omit<UserEntity, 'passwordHash'>[]> {
    return rowsWhereIn(this.db, UserEntity, 'id', ids.filter(isId), 't.id', ['passwordHash']);
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.db.getRepository(UserEntity).findOneBy({ email: email.toLowerCase() });
  }

  list(): Promise<UserEntity[]> {
    return this.db.getRepository(UserEntity).find({ order: { name: 'ASC', id: 'ASC' } });
  }

  async adminExists(): Promise<boolean> {
    const rows: unknown[] = await this.db.query(
      `SELECT 1 FROM users WHERE 'ADMIN' = ANY(roles) AND active LIMIT 1`,
    );
    return rows.length > 0;
  }

  async accessRow(userId: string, tokenId: string): Promise<UserAccessRow | null> {
    if (!isId(userId) || !isId(tokenId)) return null;
    // The first statement of a sign-in's first request (then kept by CallerCache): prepared.
    const rows: Record<string, unknown>[] = await this.db.query(
      prepared(`SELECT ${userProfileColumns('u')}, EXISTS (SELECT 1 FROM revoked_tokens t WHERE t.jti = $2) AS revoked
                  FROM users u WHERE u.id = $1`),
      [userId, tokenId],
    );
    const profile = rows.length ? toUserProfile(rows[0]) : null;
    return profile && { ...profile, revoked: rows[0].revoked as boolean };
  }

  insert(manager: EntityManager, user: Partial<UserEntity>): Promise<UserEntity> {
    const repo = manager.getRepository(UserEntity);
    return repo.save(repo.create(user));
  }

  async emailExists(manager: EntityManager, email: string): Promise<boolean> {
    return manager.getRepository(UserEntity).exists({ where: { email: email.toLowerCase() } });
  }

  async update(manager: EntityManager, id: string, changes: Partial<UserEntity>): Promise<UserEntity | null> {
    if (!isId(id)) return null;
    const result = await manager.getRepository(UserEntity).update({ id }, changes);
    return result.affected ? manager.getRepository(UserEntity).findOneBy({ id }) : null;
  }
}
