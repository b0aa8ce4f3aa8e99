import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `referrals_family_idx` (family, creation time) only ever found a family's referrals, which
 * `referrals_family_agency_received_idx` finds as well: a family has a few, and every read sorts
 * them after finding them. Each index on `referrals` is written by every insert and, since a
 * transition changes indexed columns, by every transition too.
 */
export class DropFamilyCreatedIndex1796545938000 implements MigrationInterface {
  name = 'DropFamilyCreatedIndex1796545938000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."referrals_family_idx"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "referrals_family_idx" ON "referrals" USING btree ("family_id", "created_at")`,
    );
  }
}
