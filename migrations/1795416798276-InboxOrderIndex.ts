import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agency inbox lists one agency's referrals of one status, urgent first, oldest receipt first
 * (drafts, with no receipt, last), then by id. With those sort keys in the index, after the agency
 * and the status, a page is an ordered index scan that stops after the page's rows. With
 * referrals_inbox_idx, which holds urgency and received_at as plain columns, every page fetched all
 * of the agency's referrals in that status and sorted them: its cost grew with the size of the
 * inbox. Measured on 975,000 referrals (an inbox of 173): the page statement read 51 rows instead
 * of 173, with no sort. referrals_inbox_idx stays: one agency's board metrics read received_at
 * from it (without it, a year's referralMetrics for one agency took about 140 ms instead of 100).
 * The expressions match ReferralsRepository.page exactly; TypeORM's @Index cannot say expressions,
 * so the entity names this index with synchronize: false.
 */
export class InboxOrderIndex1795416798276 implements MigrationInterface {
  name = 'InboxOrderIndex1795416798276';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "referrals_inbox_order_idx" ON "referrals" ("agency_id", "status",
         (CASE WHEN "urgency" = 'URGENT' THEN 0 ELSE 1 END), COALESCE("received_at", 'infinity'::timestamptz), "id")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "referrals_inbox_order_idx"');
  }
}
