import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A re-referral is a referral whose family had another referral received by the same agency in
 * the 12 months before. Board metrics used to find that earlier referral with a semi-join over a
 * year and more of receipts (0.4–0.9 s over 330,000 receipts a year); each referral now carries
 * `previous_received_at`, the latest earlier receipt of its family by its agency, and the count
 * is one pass over the period's receipts.
 *
 * Database triggers keep the column true for every writer (the API, the seed, a hand-run
 * statement), whatever the order of writes: a receipt may be back-dated before receipts already
 * recorded, so a new receipt can also become the previous receipt of later ones.
 * - BEFORE INSERT/UPDATE: under a per-family transaction lock, the row's own previous receipt.
 *   The lock makes concurrent sends for one family run one after the other, so each sees the
 *   other (READ COMMITTED: every statement of a trigger reads what has committed by then).
 * - AFTER INSERT/UPDATE/DELETE (they see every row of the statement): later receipts whose
 *   previous receipt is now this one are raised to it; those that pointed at a receipt that
 *   moved or went are looked up again.
 * The column is derived: nothing else writes it.
 *
 * The covering indexes let the metrics read receipts and starts without visiting the table.
 */
export class PreviousReceipts1795383431283 implements MigrationInterface {
  name = 'PreviousReceipts1795383431283';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "referrals" ADD "previous_received_at" TIMESTAMP WITH TIME ZONE`);

    // The whole table at once, also used by the seed after a bulk load with the triggers off.
    await queryRunner.query(
      `CREATE FUNCTION referrals_fill_previous_receipts() RETURNS void LANGUAGE sql AS $$
         UPDATE referrals r SET previous_received_at = w.previous
           FROM (SELECT id, max(received_at) OVER (PARTITION BY family_id, agency_id ORDER BY received_at
                            RANGE BETWEEN UNBOUNDED PRECEDING AND '1 microsecond' PRECEDING) AS previous
                   FROM referrals WHERE received_at IS NOT NULL) w
          WHERE w.id = r.id AND r.previous_received_at IS DISTINCT FROM w.previous
       $$`,
    );
    await queryRunner.query('SELECT referrals_fill_previous_receipts()');

    await queryRunner.query(
      `CREATE FUNCTION referrals_lock_family_receipts(family uuid) RETURNS void LANGUAGE sql AS $$
         SELECT pg_advisory_xact_lock(hashtextextended('referral receipts ' || family::text, 0))
       $$`,
    );
    await queryRunner.query(
      `CREATE FUNCTION referrals_set_previous_receipt() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         -- Two families (a referral moved between families) are locked in one order.
         IF TG_OP = 'UPDATE' AND OLD.family_id < NEW.family_id THEN
           PERFORM referrals_lock_family_receipts(OLD.family_id);
         END IF;
         PERFORM referrals_lock_family_receipts(NEW.family_id);
         IF TG_OP = 'UPDATE' AND OLD.family_id > NEW.family_id THEN
           PERFORM referrals_lock_family_receipts(OLD.family_id);
         END IF;
         NEW.previous_received_at := (
           SELECT max(p.received_at) FROM referrals p
            WHERE p.family_id = NEW.family_id AND p.agency_id = NEW.agency_id
              AND p.received_at < NEW.received_at AND p.id <> NEW.id);
         RETURN NEW;
       END $$`,
    );
    await queryRunner.query(
      `CREATE FUNCTION referrals_fix_later_receipts() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF TG_OP = 'DELETE' THEN
           PERFORM referrals_lock_family_receipts(OLD.family_id);
         END IF;
         IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.received_at IS NOT NULL THEN
           UPDATE referrals r SET previous_received_at = (
                    SELECT max(p.received_at) FROM referrals p
                     WHERE p.family_id = r.family_id AND p.agency_id = r.agency_id AND p.received_at < r.received_at)
            WHERE r.family_id = OLD.family_id AND r.agency_id = OLD.agency_id
              AND r.previous_received_at = OLD.received_at AND r.id <> OLD.id;
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.received_at IS NOT NULL THEN
           UPDATE referrals r SET previous_received_at = NEW.received_at
            WHERE r.family_id = NEW.family_id AND r.agency_id = NEW.agency_id AND r.received_at > NEW.received_at
              AND (r.previous_received_at IS NULL OR r.previous_received_at < NEW.received_at);
         END IF;
         RETURN NULL;
       END $$`,
    );
    const moved = `OLD.received_at IS DISTINCT FROM NEW.received_at
                   OR OLD.family_id IS DISTINCT FROM NEW.family_id OR OLD.agency_id IS DISTINCT FROM NEW.agency_id`;
    await queryRunner.query(
      `CREATE TRIGGER referrals_previous_receipt_on_insert BEFORE INSERT ON referrals FOR EACH ROW
       WHEN (NEW.received_at IS NOT NULL OR NEW.previous_received_at IS NOT NULL)
       EXECUTE FUNCTION referrals_set_previous_receipt()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER referrals_previous_receipt_on_update
       BEFORE UPDATE OF received_at, family_id, agency_id ON referrals FOR EACH ROW WHEN (${moved})
       EXECUTE FUNCTION referrals_set_previous_receipt()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER referrals_later_receipts_on_insert AFTER INSERT ON referrals FOR EACH ROW
       WHEN (NEW.received_at IS NOT NULL) EXECUTE FUNCTION referrals_fix_later_receipts()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER referrals_later_receipts_on_update
       AFTER UPDATE OF received_at, family_id, agency_id ON referrals FOR EACH ROW WHEN (${moved})
       EXECUTE FUNCTION referrals_fix_later_receipts()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER referrals_later_receipts_on_delete AFTER DELETE ON referrals FOR EACH ROW
       WHEN (OLD.received_at IS NOT NULL) EXECUTE FUNCTION referrals_fix_later_receipts()`,
    );

    await queryRunner.query('DROP INDEX "referrals_received_idx"');
    await queryRunner.query(
      'CREATE INDEX "referrals_received_idx" ON "referrals" ("received_at") INCLUDE ("previous_received_at")',
    );
    await queryRunner.query('DROP INDEX "referrals_started_idx"');
    await queryRunner.query(
      'CREATE INDEX "referrals_started_idx" ON "referrals" ("started_at") INCLUDE ("received_at", "service_id")',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "referrals_started_idx"');
    await queryRunner.query('CREATE INDEX "referrals_started_idx" ON "referrals" ("started_at")');
    await queryRunner.query('DROP INDEX "referrals_received_idx"');
    await queryRunner.query('CREATE INDEX "referrals_received_idx" ON "referrals" ("received_at")');
    for (const trigger of [
      'referrals_previous_receipt_on_insert',
      'referrals_previous_receipt_on_update',
      'referrals_later_receipts_on_insert',
      'referrals_later_receipts_on_update',
      'referrals_later_receipts_on_delete',
    ]) {
      await queryRunner.query(`DROP TRIGGER "${trigger}" ON "referrals"`);
    }
    await queryRunner.query('DROP FUNCTION referrals_fix_later_receipts()');
    await queryRunner.query('DROP FUNCTION referrals_set_previous_receipt()');
    await queryRunner.query('DROP FUNCTION referrals_lock_family_receipts(uuid)');
    await queryRunner.query('DROP FUNCTION referrals_fill_previous_receipts()');
    await queryRunner.query(`ALTER TABLE "referrals" DROP COLUMN "previous_received_at"`);
  }
}
