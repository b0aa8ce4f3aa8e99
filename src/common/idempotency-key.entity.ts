import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A client's retry key for a create operation, scoped per user; shared by every API process. */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ name: 'user_id', type: 'uuid' }) userId: string;
  @PrimaryColumn({ type: 'text' }) operation: string;
  @PrimaryColumn({ type: 'text' }) key: string;
  /** Hash of the request payload: the same key with another payload is a CONFLICT. */
  @Column({ name: 'request_hash', type: 'text' }) requestHash: string;
  @Column({ name: 'result_id', type: 'uuid' }) resultId: string;
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' }) createdAt: Date;
}
