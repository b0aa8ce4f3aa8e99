import type { Logger } from 'typeorm';

/**
 * TypeORM logger that counts SQL statements and writes nothing: TypeORM's own loggers append
 * query parameters (personal data) to every line. Tests and benchmarks read `count` to show that
 * a request costs a constant number of statements.
 */
export class StatementCounter implements Logger {
  count = 0;

  logQuery(): void {
    this.count += 1;
  }
  logQueryError(): void {}
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(): void {}
}
