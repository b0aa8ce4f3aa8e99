import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../../common/actor.js';
import { requireAnyRole } from '../../common/actor.js';
import { Role } from '../../common/enums.js';
import { badInput } from '../../common/errors.js';
import { isId } from '../../common/ids.js';
import {
  decodeCursor,
  emptyConnection,
  encodeCursor,
  pageSize,
  toConnection,
} from '../../common/pagination.js';
import type { SqlParams } from '../../database/keyset-page.js';
import type { AuditEventEntity } from './audit-event.entity.js';
import { type AuditCondition, type AuditEventRow, AuditRepository } from './audit.repository.js';

/**
 * An audit row to be written by another module's statement (see `AuditService.along`): given that
 * statement's parameters and the name of the CTE holding the changed row, the INSERT to add as a CTE.
 */
export type AuditAlong = (params: SqlParams, source: string) => string;

export interface AuditInput {
  action: string;
  entityType: string;
  entityId?: string | null;
  details?: Record<string, unknown>;
}

const rowFor = (actor: Actor | null, e: AuditInput): AuditEventRow => ({
  actorId: actor?.id ?? null,
  requestId: actor?.requestId ?? null,
  action: e.action,
  entityType: e.entityType,
  entityId: e.entityId ?? null,
  details: e.details ?? null,
});

/**
 * Writes the audit trail. Pass the transaction's EntityManager so the event commits or
 * rolls back with the change it records. Only ids and action names are stored.
 */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  record(manager: EntityManager | undefined, actor: Actor | null, event: AuditInput): Promise<void> {
    return this.recordMany(manager, actor, [event]);
  }

  recordMany(manager: EntityManager | undefined, actor: Actor | null, events: AuditInput[]): Promise<void> {
    return this.repository.insert(
      manager,
      events.map((e) => rowFor(actor, e)),
    );
  }

  /**
   * The event as part of the statement that makes the change (one round trip instead of two); it is
   * written only if that statement changed a row, and commits or rolls back with it.
   */
  along(actor: Actor | null, event: AuditInput): AuditAlong {
    const row = rowFor(actor, event);
    return (params, source) => this.repository.insertFrom(params, source, row);
  }

  /**
   * Records the event only if `condition` returns a row, in one statement: the check and the audit
   * row are one transaction. True when recorded.
   */
  recordIf(actor: Actor | null, event: AuditInput, condition: AuditCondition): Promise<boolean> {
    return this.repository.insertIf(rowFor(actor, event), condition);
  }

  async list(
    actor: Actor,
    args: { first?: number | null; after?: string | null; entityId?: string | null; actorId?: string | null },
  ) {
    requireAnyRole(actor, Role.ADMIN);
    const size = pageSize(args.first);
    const cursor = decodeCursor(args.after, 1);
    const afterId = cursor ? String(cursor[0]) : null;
    if (afterId !== null && !/^\d{1,19}$/.test(afterId)) throw badInput('after is not a valid cursor');
    if (args.actorId && !isId(args.actorId)) return emptyConnection<AuditEventEntity>();
    const { rows, total } = await this.repository.page(
      { entityId: args.entityId ?? null, actorId: args.actorId ?? null },
      afterId,
      size,
    );
    return toConnection(
      rows,
      size,
      total,
      (r) => encodeCursor([r.id]),
      (r) => r,
    );
  }
}
