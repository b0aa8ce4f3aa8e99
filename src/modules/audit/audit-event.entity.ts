import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Append-only record of reads and changes of personal records. A trigger refuses UPDATE,
 * DELETE and TRUNCATE (see the migration), so the application cannot rewrite history.
 * Holds ids and action names only, never personal data.
 */
@Entity('audit_events')
@Index('audit_events_entity_idx', ['entityId', 'id'])
@Index('audit_events_actor_idx', ['actorId', 'id'])
export class AuditEventEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
  @Column({ name: 'actor_id', type: 'uuid', nullable: true }) actorId: string | null;
  @Column({ type: 'text' }) action: string;
  @Column({ name: 'entity_type', type: 'text' }) entityType: string;
  @Column({ name: 'entity_id', type: 'text', nullable: true }) entityId: string | null;
  @Column({ name: 'request_id', type: 'text', nullable: true }) requestId: string | null;
  /** Non-personal context, e.g. {"denied": true} or a status change. */
  @Column({ type: 'jsonb', nullable: true }) details: Record<string, unknown> | null;
}
