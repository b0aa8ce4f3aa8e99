import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity.js';

export interface AuditEventRow {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  requestId: string | null;
  details?: Record<string, unknown> | null;
}

@Injectable()
export class AuditRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async insert(manager: EntityManager | undefined, rows: AuditEventRow[]): Promise<void> {
    if (!rows.length) return;
    await (manager ?? this.db.manager)
      .createQueryBuilder()
      .insert()
      .into(AuditEventEntity)
      .values(
        rows.map((r) => ({ ...r, details: (r.details ?? null) as AuditEventEntity['details'] & object })),
      )
      .execute();
  }

  /** Newest first; the cursor is the last id seen. */
  async page(
    filter: { entityId?: string | null; actorId?: string | null },
    afterId: string | null,
    limit: number,
  ) {
    const qb = this.db.getRepository(AuditEventEntity).createQueryBuilder('a');
    if (filter.entityId) qb.andWhere('a.entity_id = :entityId', { entityId: filter.entityId });
    if (filter.actorId) qb.andWhere('a.actor_id = :actorId', { actorId: filter.actorId });
    const total = await qb.clone().getCount();
    if (afterId) qb.andWhere('a.id < :afterId', { afterId });
    const rows = await qb
      .orderBy('a.id', 'DESC')
      .limit(limit + 1)
      .getMany();
    return { rows, total };
  }
}
