import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { ReferralStatus, Urgency } from '../../common/enums.js';
import { AgencyEntity } from '../directory/agency.entity.js';
import { ServiceEntity } from '../directory/service.entity.js';
import { FamilyMemberEntity } from '../families/family-member.entity.js';
import { FamilyEntity } from '../families/family.entity.js';
import { SupportPackageEntity } from '../packages/support-package.entity.js';
import { UserEntity } from '../users/user.entity.js';

@Entity('referrals')
// The agency inbox: one agency's referrals by status, in the inbox order (urgent first, oldest
// receipt first, then id) as expressions; created by the InboxOrderIndex migration.
@Index('referrals_inbox_order_idx', { synchronize: false })
// One agency's board metrics read received_at (and status) from this one.
@Index('referrals_inbox_idx', ['agencyId', 'status', 'urgency', 'receivedAt', 'id'])
// Re-referral look-back: the same family's earlier referrals to the same agency. Also how a family's
// referrals are found (a family has a few, sorted after the read): an index on the family alone
// would be one more to write on every insert and every transition.
@Index('referrals_family_agency_received_idx', ['familyId', 'agencyId', 'receivedAt'])
// The indexes on received_at, decided_at, started_at and package_id and the open-wait one hold only
// the rows that have their leading column (received_at for the open-wait one), since the
// PartialReferralIndexes migration: every query that uses them compares that column, and a
// referral written without it (a draft, one not yet decided or started, one outside a package)
// adds no entry to them.
// (received_at) INCLUDE (previous_received_at), for board metrics; created by the PreviousReceipts migration.
@Index('referrals_received_idx', { synchronize: false })
// (decided_at) INCLUDE (status), for board metrics; created by the DecidedIndexCoversStatus migration.
@Index('referrals_decided_idx', { synchronize: false })
// (started_at) INCLUDE (received_at, service_id), for board metrics; created by the PreviousReceipts migration.
@Index('referrals_started_idx', { synchronize: false })
@Index('referrals_service_idx', ['serviceId'])
@Index('referrals_package_idx', ['packageId'], { where: '"package_id" IS NOT NULL' })
@Index('referrals_referred_by_idx', ['referredById'])
// Expression index for open waits in board metrics, of received referrals; created by the
// OpenWaitIndex migration.
@Index('referrals_wait_end_idx', { synchronize: false })
export class ReferralEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Human reference such as REF-000042, drawn from the referral_reference_seq sequence. */
  @Index('referrals_reference_key', { unique: true })
  @Column({ type: 'text' })
  reference: string;
  @Column({ name: 'family_id', type: 'uuid' }) familyId: string;
  @ManyToOne(() => FamilyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'family_id' })
  family?: FamilyEntity;
  @Column({ name: 'service_id', type: 'uuid' }) serviceId: string;
  @ManyToOne(() => ServiceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'service_id' })
  service?: ServiceEntity;
  /** The receiving agency: the service's agency when the referral was made. */
  @Column({ name: 'agency_id', type: 'uuid' }) agencyId: string;
  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id' })
  agency?: AgencyEntity;
  @Column({ name: 'referred_by_id', type: 'uuid' }) referredById: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referred_by_id' })
  referredBy?: UserEntity;
  @Column({ name: 'package_id', type: 'uuid', nullable: true }) packageId: string | null;
  @ManyToOne(() => SupportPackageEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'package_id' })
  package?: SupportPackageEntity;
  @ManyToMany(() => FamilyMemberEntity)
  @JoinTable({
    name: 'referral_children',
    joinColumn: { name: 'referral_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'member_id', referencedColumnName: 'id' },
  })
  children?: FamilyMemberEntity[];
  @Column({ type: 'text' }) reason: string;
  @Column({ type: 'enum', enum: Urgency, enumName: 'urgency', default: Urgency.ROUTINE }) urgency: Urgency;
  @Column({ type: 'enum', enum: ReferralStatus, enumName: 'referral_status', default: ReferralStatus.DRAFT })
  status: ReferralStatus;
  /** Incremented by every transition's conditional UPDATE; not a TypeORM @VersionColumn on purpose. */
  @Column({ type: 'integer', default: 1 }) version: number;
  @Column({ name: 'shared_without_consent', type: 'boolean', default: false }) sharedWithoutConsent: boolean;
  @Column({ name: 'share_without_consent_reason', type: 'text', nullable: true })
  shareWithoutConsentReason: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'received_at', type: 'timestamptz', nullable: true }) receivedAt: Date | null;
  /**
   * Receipt of the latest referral of the same family to the same agency received before this
   * one; null when there is none. Kept by database triggers on every write of received_at
   * (PreviousReceipts migration), so the board's re-referral count needs no look-back join.
   */
  @Column({ name: 'previous_received_at', type: 'timestamptz', nullable: true })
  previousReceivedAt: Date | null;
  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true }) decidedAt: Date | null;
  @Column({ name: 'decline_reason', type: 'text', nullable: true }) declineReason: string | null;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt: Date | null;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
  @Column({ type: 'text', nullable: true }) outcome: string | null;
  @Column({ name: 'withdraw_reason', type: 'text', nullable: true }) withdrawReason: string | null;
}
