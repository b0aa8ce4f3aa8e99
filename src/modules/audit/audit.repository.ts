import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { SqlParams } from '../../database/keyset-page.js';
import { AuditEventEntity } from './audit-event.entity.js';

export interface AuditEventRow {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  requestId: string | null;
  details?: Record<string, unknown> | null;
}

/**
 * A query that must return a row for an audit event to be written (see `insertIf`), written with
 * its parameters added to the statement's own.
 */
export type AuditCondition = (params: SqlParams) => string;

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

  /**
   * The audit row as an `INSERT … SELECT … FROM source` for another repository's statement, so the
   * change and its audit row are one statement: one row per row of `source` (none when the change
   * matched nothing). `source` names a CTE of that statement.
   */
  insertFrom(params: SqlParams, source: string, row: AuditEventRow): string {
    return `INSERT INTO audit_events (actor_id, request_id, action, entity_type, entity_id, details)
            SELECT ${params.add(row.actorId)}::uuid, ${params.add(row.requestId)}, ${params.add(row.action)},
                   ${params.add(row.entityType)}, ${params.add(row.entityId)}, ${params.add(row.details ?? null)}::jsonb
              FROM ${source}`;
  }

  /** One statement: the row is inserted only when `condition` returns a row. True when inserted. */
  async insertIf(row: AuditEventRow, condition: AuditCondition): Promise<boolean> {
    const params = new SqlParams();
    const source = `(SELECT WHERE EXISTS (${condition(params)})) AS condition_holds`;
    const inserted: unknown[] = await this.db.query(
      `${this.insertFrom(params, source, row)} RETURNING id`,
      params.values,
    );
    return inserted.length === 1;
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
