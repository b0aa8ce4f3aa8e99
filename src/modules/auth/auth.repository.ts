import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Sign-in failures and revoked tokens live in PostgreSQL so every API process sees the same counts. */
@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Records this attempt provisionally and counts, per account and per address, the
   * attempts in the window up to and including it. Counting only rows with a lower id
   * makes concurrent attempts (in any process) see each other in one order, so a burst
   * of parallel guesses cannot all pass the check before any failure is written.
   */
  async beginAttempt(accountKey: string, clientAddress: string, windowMinutes: number) {
    const rows: { id: string; account: string; address: string }[] = await this.db.query(
      `WITH attempt AS (
         INSERT INTO login_failures (account_key, client_address) VALUES ($1, $2) RETURNING id
       )
       SELECT attempt.id,
         (SELECT count(*) FROM login_failures f
           WHERE f.account_key = $1 AND f.at > now() - make_interval(mins => $3) AND f.id < attempt.id) + 1 AS account,
         (SELECT count(*) FROM login_failures f
           WHERE f.client_address = $2 AND f.at > now() - make_interval(mins => $3) AND f.id < attempt.id) + 1 AS address
       FROM attempt`,
      [accountKey, clientAddress, windowMinutes],
    );
    return { attemptId: rows[0].id, account: Number(rows[0].account), address: Number(rows[0].address) };
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
