import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { AreaEntity } from '../directory/area.entity.js';
import { UserEntity } from '../users/user.entity.js';

@Entity('families')
// Trigram index for substring search; created in a migration because TypeORM cannot express operator classes.
@Index('families_name_trgm_idx', { synchronize: false })
@Index('families_reference_trgm_idx', { synchronize: false })
export class FamilyEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  /** Human reference such as FAM-000042, drawn from the family_reference_seq sequence. */
  @Index('families_reference_key', { unique: true })
  @Column({ type: 'text' })
  reference: string;
  @Column({ type: 'text' }) name: string;
  @Index('families_area_idx')
  @Column({ name: 'area_id', type: 'uuid' })
  areaId: string;
  @ManyToOne(() => AreaEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'area_id' })
  area?: AreaEntity;
  /** The current lead professional; kept equal to the open assignment in the same transaction. */
  @Index('families_lead_professional_idx')
  @Column({ name: 'lead_professional_id', type: 'uuid', nullable: true })
  leadProfessionalId: string | null;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lead_professional_id' })
  leadProfessional?: UserEntity;
  @Column({ name: 'created_by_id', type: 'uuid' }) createdById: string;
  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by_id' })
  createdBy?: UserEntity;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
