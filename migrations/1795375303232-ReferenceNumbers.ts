import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Human references (FAM-000042, REF-000042) come from one function so that every writer
 * formats them alike. Numbers are zero-padded to six digits and grow beyond that rather
 * than being cut (lpad truncates, which would repeat references from one million on).
 */
export class ReferenceNumbers1795375303232 implements MigrationInterface {
  name = 'ReferenceNumbers1795375303232';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION next_reference(prefix text, sequence_name regclass) RETURNS text
      LANGUAGE sql VOLATILE AS $$
        SELECT prefix || '-' || lpad(n::text, greatest(6, length(n::text)), '0') FROM nextval(sequence_name) AS n
      $$`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION next_reference(text, regclass)`);
  }
}
