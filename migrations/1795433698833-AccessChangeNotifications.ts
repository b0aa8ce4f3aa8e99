import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A new user cannot make a kept access row wrong (rows are kept per existing user and token), so
 * inserts into users do not notify; every other change to either table does.
 */
const EVENTS: Record<string, string> = {
  users: 'UPDATE OR DELETE OR TRUNCATE',
  revoked_tokens: 'INSERT OR UPDATE OR DELETE OR TRUNCATE',
};

/**
 * Every change to users (but inserts) or to revoked tokens sends a notification on the channel
 * `access_changed` when it commits, whoever writes it. API processes keep each signed-in caller's access row in
 * memory between requests and drop them all on that signal (see caller-cache.ts), so a
 * deactivation, role change or logout made through another process applies there too.
 */
export class AccessChangeNotifications1795433698833 implements MigrationInterface {
  name = 'AccessChangeNotifications1795433698833';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION notify_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('access_changed', TG_TABLE_NAME);
         RETURN NULL;
       END $$`,
    );
    for (const [table, events] of Object.entries(EVENTS)) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_access_changed" AFTER ${events} ON "${table}"
         FOR EACH STATEMENT EXECUTE FUNCTION notify_access_changed()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of Object.keys(EVENTS)) {
      await queryRunner.query(`DROP TRIGGER "${table}_notify_access_changed" ON "${table}"`);
    }
    await queryRunner.query('DROP FUNCTION notify_access_changed()');
  }
}
