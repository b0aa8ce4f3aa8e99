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
import { AgencyEntity } from './agency.entity.js';
import { AreaEntity } from './area.entity.js';

@Entity('services')
export class ServiceEntity {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Index('services_agency_idx')
  @Column({ name: 'agency_id', type: 'uuid' })
  agencyId: string;
  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id' })
  agency?: AgencyEntity;
  @Column({ type: 'text' }) name: string;
  @Column({ type: 'text', nullable: true }) description: string | null;
  @Column({ type: 'text' }) category: string;
  @Column({ name: 'min_age_years', type: 'integer', nullable: true }) minAgeYears: number | null;
  @Column({ name: 'max_age_years', type: 'integer', nullable: true }) maxAgeYears: number | null;
  @Column({ name: 'waiting_time_target_days', type: 'integer' }) waitingTimeTargetDays: number;
  @Column({ name: 'accepting_referrals', type: 'boolean', default: true }) acceptingReferrals: boolean;
  /** Empty means the service is offered in every area. */
  @ManyToMany(() => AreaEntity)
  @JoinTable({
    name: 'service_areas',
    joinColumn: { name: 'service_id', referencedColumnName: 'id' },
    inverseJoinColumn: { name: 'area_id', referencedColumnName: 'id' },
  })
  areas?: AreaEntity[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
