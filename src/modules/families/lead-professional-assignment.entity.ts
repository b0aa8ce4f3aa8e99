import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';
import { FamilyEntity } from './family.entity.js';

@Entity('lead_professional_assignments')
// At most one open assignment per family, enforced by the database even under concurrent handovers.
@Index('lead_professional_assignments_one_open_key', ['familyId'], {
  unique: true,
  where: '"ended_at" IS NULL',
})
@Index('lead_professional_assignments_family_idx', ['familyId', 'startedAt'])
export class LeadProfessionalAssignmentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'family_id', type: 'uuid' }) familyId: string;
  @ManyToOne(() => FamilyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'family_id' })
  family?: FamilyEntity;
  @Index('lead_professional_assignments_user_idx')
  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'user_id' })
  user?: UserEntity;
  @Column({ name: 'started_at', type: 'timestamptz' }) startedAt: Date;
  @Column({ name: 'ended_at', type: 'timestamptz', nullable: true }) endedAt: Date | null;
  @Column({ type: 'text', nullable: true }) reason: string | null;
  @Column({ name: 'assigned_by_id', type: 'uuid' }) assignedById: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assigned_by_id' })
  assignedBy?: UserEntity;
}
