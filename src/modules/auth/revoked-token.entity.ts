import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** Tokens revoked by logout, kept until they would have expired anyway. */
@Entity('revoked_tokens')
export class RevokedTokenEntity {
  @PrimaryColumn({ type: 'uuid' }) jti: string;
  @Index('revoked_tokens_expires_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;
}
