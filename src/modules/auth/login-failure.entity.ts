import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** Failed sign-ins, shared by every API process, counted per account and per client address. */
@Entity('login_failures')
@Index('login_failures_account_idx', ['accountKey', 'at'])
@Index('login_failures_address_idx', ['clientAddress', 'at'])
export class LoginFailureEntity {
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'ALWAYS' }) id: string;
  /** Lower-cased email as typed (also for unknown accounts, so both answer alike). */
  @Column({ name: 'account_key', type: 'text' }) accountKey: string;
  @Column({ name: 'client_address', type: 'text' }) clientAddress: string;
  @Column({ type: 'timestamptz', default: () => 'now()' }) at: Date;
}
