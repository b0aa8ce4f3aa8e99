import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What entity decorators cannot express: trigram search indexes, the reference sequences,
 * and the database-level guard that keeps the audit trail append-only.
 */
export class SearchSequencesAndAuditGuard1795370601977 implements MigrationInterface {
  name = 'SearchSequencesAndAuditGuard1795370601977';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(
      `CREATE INDEX "families_name_trgm_idx" ON "families" USING gin (lower("name") gin_trgm_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX "families_reference_trgm_idx" ON "families" USING gin (lower("reference") gin_trgm_ops)`,
    );
    await queryRunner.query(
      `CREATE INDEX "family_members_name_trgm_idx" ON "family_members" USING gin (lower("given_name" || ' ' || "family_name") gin_trgm_ops)`,
    );
    await queryRunner.query(`CREATE SEQUENCE "family_reference_seq"`);
    await queryRunner.query(`CREATE SEQUENCE "referral_reference_seq"`);
    await queryRunner.query(`
      CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
      END
      $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_events_no_update_delete BEFORE UPDATE OR DELETE ON "audit_events" FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON "audit_events" FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER "audit_events_no_truncate" ON "audit_events"`);
    await queryRunner.query(`DROP TRIGGER "audit_events_no_update_delete" ON "audit_events"`);
    await queryRunner.query(`DROP FUNCTION audit_events_append_only()`);
    await queryRunner.query(`DROP SEQUENCE "referral_reference_seq"`);
    await queryRunner.query(`DROP SEQUENCE "family_reference_seq"`);
    await queryRunner.query(`DROP INDEX "family_members_name_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "families_reference_trgm_idx"`);
    await queryRunner.query(`DROP INDEX "families_name_trgm_idx"`);
  }
}
