import type { MigrationInterface, QueryRunner } from 'typeorm';

export class FamilyMemberEntryOrder1795371244111 implements MigrationInterface {
  name = 'FamilyMemberEntryOrder1795371244111';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "family_members" ADD "seq" bigint GENERATED ALWAYS AS IDENTITY NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "family_members" DROP COLUMN "seq"`);
  }
}
