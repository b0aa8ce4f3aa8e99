import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['areas', 'agencies', 'services', 'service_areas'];

/**
 * Every change to areas, agencies, services or where services are offered sends a notification
 * on the channel `directory_changed` when it commits, whoever writes it (the API, the seed, a
 * hand-run statement). API processes keep the directory in memory and drop it on that signal
 * (see directory-cache.ts).
 */
export class DirectoryChangeNotifications1795378360543 implements MigrationInterface {
  name = 'DirectoryChangeNotifications1795378360543';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE FUNCTION notify_directory_changed() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         PERFORM pg_notify('directory_changed', TG_TABLE_NAME);
         RETURN NULL;
       END $$`,
    );
    for (const table of TABLES) {
      await queryRunner.query(
        `CREATE TRIGGER "${table}_notify_directory_changed" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "${table}"
         FOR EACH STATEMENT EXECUTE FUNCTION notify_directory_changed()`,
      );
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of TABLES) {
      await queryRunner.query(`DROP TRIGGER "${table}_notify_directory_changed" ON "${table}"`);
    }
    await queryRunner.query('DROP FUNCTION notify_directory_changed()');
  }
}
