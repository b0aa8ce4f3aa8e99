import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { PackageStatus } from '../../common/enums.js';
import { FamilyEntity } from '../families/family.entity.js';
import { UserEntity } from '../users/user.entity.js';

@Entity('support_packages')
export class SupportPackageEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('support_packages_family_idx')
  @Column({ name: 'family_id', type: 'uuid' })
  familyId: string;
  @ManyToOne(() => FamilyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'family_id' })
  family?: FamilyEntity;
  @Column({ name: 'lead_professional_id', type: 'uuid' }) leadProfessionalId: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lead_professional_id' })
  leadProfessional?: UserEntity;
  @Column({ type: 'text', array: true }) goals: string[];
  @Column({ type: 'enum', enum: PackageStatus, enumName: 'package_status', default: PackageStatus.ACTIVE })
  status: PackageStatus;
  @Column({ name: 'review_date', type: 'date', nullable: true }) reviewDate: string | null;
  @Column({ name: 'created_by_id', type: 'uuid' }) createdById: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true }) closedAt: Date | null;
}
