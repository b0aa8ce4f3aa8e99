import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The board metrics read referrals by index only (received, decided, started), which skips the
 * table only for pages the visibility map marks all-visible. Every write clears that mark on the
 * page it lands on, and new row versions land on pages all over the table; with PostgreSQL's
 * default thresholds autovacuum sets the marks again only after changes to 20 % of the table
 * (200,000 rows at 1,000,000 referrals). Measured on 1,000,000 referrals: with 12,000 changed
 * rows, 25 % of a year's index entries needed a table visit; with about 32,000, referralMetrics
 * for all areas took 280 ms instead of 116 ms (after VACUUM). These thresholds start autovacuum
 * after about 2,000 changed or inserted rows at that size; it then visits only the pages that
 * changed, and skips the indexes while there are few dead rows.
 */
export class ReferralsVacuumForIndexOnlyScans1795396000000 implements MigrationInterface {
  name = 'ReferralsVacuumForIndexOnlyScans1795396000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "referrals" SET (autovacuum_vacuum_scale_factor = 0.002,
                                    autovacuum_vacuum_insert_scale_factor = 0.002,
                                    autovacuum_analyze_scale_factor = 0.01)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "referrals" RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_insert_scale_factor,
                                      autovacuum_analyze_scale_factor)`,
    );
  }
}
