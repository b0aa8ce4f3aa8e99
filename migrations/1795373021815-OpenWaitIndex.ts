import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Board metrics count waits still open at the end of a period: referrals whose wait
 * (start, else decline, else withdrawal) had not ended by then. An expression index on that
 * end, with the receipt time, turns the scan into an index range (see metrics.repository.ts).
 */
export class OpenWaitIndex1795373021815 implements MigrationInterface {
  name = 'OpenWaitIndex1795373021815';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "referrals_wait_end_idx" ON "referrals" ((coalesce("started_at", CASE "status" WHEN 'DECLINED' THEN "decided_at" WHEN 'WITHDRAWN' THEN "closed_at" END)), "received_at")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "referrals_wait_end_idx"`);
  }
}
