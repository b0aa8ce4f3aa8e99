import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ReferralStatus } from '../../common/enums.js';
import { UserEntity } from '../users/user.entity.js';
import { ReferralEntity } from './referral.entity.js';

/** One row per status change of a referral: its timeline. */
@Entity('referral_events')
@Index('referral_events_referral_idx', ['referralId', 'at', 'id'])
export class ReferralEventEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'referral_id', type: 'uuid' }) referralId: string;
  @ManyToOne(() => ReferralEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'referral_id' })
  referral?: ReferralEntity;
  @Column({ type: 'enum', enum: ReferralStatus, enumName: 'referral_status' }) status: ReferralStatus;
  @Column({ type: 'timestamptz' }) at: Date;
  @Column({ name: 'actor_id', type: 'uuid' }) actorId: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'actor_id' })
  actor?: UserEntity;
  @Column({ type: 'text', nullable: true }) note: string | null;
  @Column({ name: 'recorded_at', type: 'timestamptz', default: () => 'now()' }) recordedAt: Date;
}
