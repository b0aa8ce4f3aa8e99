import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Key spaces of the advisory locks that serialise sign-in attempts. */
const ACCOUNT_LOCK_CLASS = 1;
const ADDRESS_LOCK_CLASS = 2;

/** Sign-in failures and revoked tokens live in PostgreSQL so every API process sees the same counts. */
@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Records this attempt provisionally and counts, per account and per address, the
   * attempts in the window including it. Two transaction-scoped advisory locks (account,
   * then address: one order, so no deadlock) serialise attempts on the same account or
   * address across every API process; the count runs after the lock is granted, so its
   * snapshot holds every earlier attempt. Without the locks, an attempt still being
   * inserted by another connection is invisible, and a burst of parallel guesses could
   * pass the check one more time than allowed.
   */
  async beginAttempt(accountKey: string, clientAddress: string, windowMinutes: number) {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ACCOUNT_LOCK_CLASS, accountKey]);
      await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [ADDRESS_LOCK_CLASS, clientAddress]);
      const rows: { id: string; account: string; address: string }[] = await tx.query(
        `WITH attempt AS (
           INSERT INTO login_failures (account_key, client_address) VALUES ($1, $2) RETURNING id
         )
         SELECT attempt.id,
           (SELECT count(*) FROM login_failures f
             WHERE f.account_key = $1 AND f.at > now() - make_interval(mins => $3)) + 1 AS account,
           (SELECT count(*) FROM login_failures f
             WHERE f.client_address = $2 AND f.at > now() - make_interval(mins => $3)) + 1 AS address
         FROM attempt`,
        [accountKey, clientAddress, windowMinutes],
      );
      return { attemptId: rows[0].id, account: Number(rows[0].account), address: Number(rows[0].address) };
    });
  }

  /** Withdraws a provisional attempt that was refused (refusals do not extend the lock-out). */
  async dropAttempt(attemptId: string): Promise<void> {
    await this.db.query('DELETE FROM login_failures WHERE id = $1', [attemptId]);
  }

  /** A successful sign-in clears the account's count (the address count keeps its window). */
  async clearAccountFailures(accountKey: string): Promise<void> {
    await this.db.query('DELETE FROM login_failures WHERE account_key = $1', [accountKey]);
  }

  async pruneFailures(olderThanMinutes: number): Promise<void> {
    await this.db.query('DELETE FROM login_failures WHERE at < now() - make_interval(mins => $1)', [
      olderThanMinutes,
    ]);
  }

  async revokeToken(jti: string, expiresAt: Date): Promise<void> {
    await this.db.query(
      'INSERT INTO revoked_tokens (jti, expires_at) VALUES ($1, $2) ON CONFLICT (jti) DO NOTHING',
      [jti, expiresAt],
    );
    await this.db.query('DELETE FROM revoked_tokens WHERE expires_at < now()');
  }
}
