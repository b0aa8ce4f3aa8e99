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
import { ConsentScope } from '../../common/enums.js';
import { AgencyEntity } from '../directory/agency.entity.js';
import { UserEntity } from '../users/user.entity.js';
import { FamilyMemberEntity } from './family-member.entity.js';
import { FamilyEntity } from './family.entity.js';

@Entity('consents')
export class ConsentEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('consents_family_idx')
  @Column({ name: 'family_id', type: 'uuid' })
  familyId: string;
  @ManyToOne(() => FamilyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'family_id' })
  family?: FamilyEntity;
  @Column({ name: 'given_by_member_id', type: 'uuid' }) givenByMemberId: string;
  @ManyToOne(() => FamilyMemberEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'given_by_member_id' })
  givenBy?: FamilyMemberEntity;
  @Column({ type: 'enum', enum: ConsentScope, enumName: 'consent_scope' }) scope: ConsentScope;
  @ManyToMany(() => AgencyEntity)
  @JoinTable({
    name: 'consent_agencies',
    joinColumn: { name: 'consent_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'agency_id', referencedColumnName: 'id' },
  })
  agencies?: AgencyEntity[];
  @Column({ type: 'text' }) purpose: string;
  @Column({ name: 'given_at', type: 'timestamptz' }) givenAt: Date;
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true }) expiresAt: Date | null;
  @Column({ name: 'withdrawn_at', type: 'timestamptz', nullable: true }) withdrawnAt: Date | null;
  @Column({ name: 'recorded_by_id', type: 'uuid' }) recordedById: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'recorded_by_id' })
  recordedBy?: UserEntity;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
