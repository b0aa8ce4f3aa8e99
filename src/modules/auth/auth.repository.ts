import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** Sign-in failures and revoked tokens live in PostgreSQL so every API process sees the same counts. */
@Injectable()
export class AuthRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async recentFailures(accountKey: string, clientAddress: string, windowMinutes: number) {
    const rows: { account: string; address: string }[] = await this.db.query(
      `SELECT
         (SELECT count(*) FROM login_failures WHERE account_key = $1 AND at > now() - make_interval(mins => $3)) AS account,
         (SELECT count(*) FROM login_failures WHERE client_address = $2 AND at > now() - make_interval(mins => $3)) AS address`,
      [accountKey, clientAddress, windowMinutes],
    );
    return { account: Number(rows[0].account), address: Number(rows[0].address) };
  }

  async recordFailure(accountKey: string, clientAddress: string): Promise<void> {
    await this.db.query('INSERT INTO login_failures (account_key, client_address) VALUES ($1, $2)', [
      accountKey,
      clientAddress,
    ]);
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
