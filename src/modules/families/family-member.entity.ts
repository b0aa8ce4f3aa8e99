import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { MemberRole } from '../../common/enums.js';
import { FamilyEntity } from './family.entity.js';

@Entity('family_members')
@Index('family_members_name_trgm_idx', { synchronize: false })
export class FamilyMemberEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Entry order within the family (rows of one transaction share created_at). */
  @Column({
    type: 'bigint',
    generated: 'identity',
    generatedIdentity: 'ALWAYS',
    select: true,
    insert: false,
    update: false,
  })
  seq: string;
  @Index('family_members_family_idx')
  @Column({ name: 'family_id', type: 'uuid' })
  familyId: string;
  @ManyToOne(() => FamilyEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'family_id' })
  family?: FamilyEntity;
  @Column({ name: 'given_name', type: 'text' }) givenName: string;
  @Column({ name: 'family_name', type: 'text' }) familyName: string;
  /** A calendar date kept as 'YYYY-MM-DD' text in JS so no time zone can shift it. */
  @Column({ name: 'date_of_birth', type: 'date', nullable: true }) dateOfBirth: string | null;
  @Column({ type: 'enum', enum: MemberRole, enumName: 'member_role' }) role: MemberRole;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
