import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { randomUUID } from 'node:crypto';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { Actor } from '../../common/actor.js';
import { AuditService } from '../audit/audit.service.js';
import { CallerCache } from '../users/caller-cache.js';
import { UsersRepository } from '../users/users.repository.js';
import { AuthErrors } from './auth.errors.js';
import { AuthRepository } from './auth.repository.js';
import { hashPassword, verifyPassword } from './passwords.js';

export const JWT_ALGORITHM = 'HS256' as const;

interface TokenClaims {
  sub: string;
  jti: string;
  exp: number;
}

@Injectable()
export class AuthService {
  /** Verified against when the email is unknown, so both failures take the same time. */
  private readonly dummyHash: Promise<string>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly jwt: JwtService,
    private readonly users: UsersRepository,
    private readonly callers: CallerCache,
    private readonly repo: AuthRepository,
    private readonly audit: AuditService,
  ) {
    this.dummyHash = hashPassword(randomUUID());
  }

  async login(email: string, password: string, clientAddress: string) {
    const accountKey = email.trim().toLowerCase().slice(0, 254);
    const { login } = this.config;
    // The attempt counts as a failure from the start; it is withdrawn if refused, and a
    // success clears the account's count.
    const attempt = await this.repo.beginAttempt(accountKey, clientAddress, login.windowMinutes);
    if (attempt.account > login.maxFailuresPerAccount || attempt.address > login.maxFailuresPerAddress) {
      await this.repo.dropAttempt(attempt.attemptId);
      throw AuthErrors.tooManyFailures();
    }
    const user = await this.users.findByEmail(accountKey);
    const ok = await verifyPassword(user?.passwordHash ?? (await this.dummyHash), password);
    if (!user || !ok || !user.active) throw AuthErrors.invalidCredentials();
    await this.repo.clearAccountFailures(accountKey);
    await this.repo.pruneFailures(login.windowMinutes);
    const token = await this.jwt.signAsync(
      { sub: user.id },
      { jwtid: randomUUID(), algorithm: JWT_ALGORITHM },
    );
    await this.audit.record(undefined, null, { action: 'auth.login', entityType: 'User', entityId: user.id });
    return { token, user };
  }

  /**
   * Verifies signature (HS256 only) and expiry, then the user and the token's revocation: as read
   * for this sign-in's previous request unless access changed since (CallerCache).
   */
  async authenticate(token: string, requestId: string): Promise<Actor> {
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token, { algorithms: [JWT_ALGORITHM] });
    } catch {
      throw AuthErrors.invalidToken();
    }
    if (typeof claims.sub !== 'string' || typeof claims.jti !== 'string' || typeof claims.exp !== 'number') {
      throw AuthErrors.invalidToken();
    }
    const { sub, jti } = claims;
    const row = await this.callers.accessRow(sub, jti, () => this.users.accessRow(sub, jti));
    if (!row || !row.active || row.revoked) throw AuthErrors.invalidToken();
    const { revoked: _, ...profile } = row;
    return {
      profile,
      id: row.id,
      roles: new Set(row.roles),
      agencyId: row.agencyId,
      requestId,
      tokenId: claims.jti,
      tokenExpiresAt: new Date(claims.exp * 1000),
    };
  }

  async logout(actor: Actor): Promise<boolean> {
    await this.repo.revokeToken(actor.tokenId, actor.tokenExpiresAt);
    this.callers.invalidate();
    await this.audit.record(undefined, actor, {
      action: 'auth.logout',
      entityType: 'User',
      entityId: actor.id,
    });
    return true;
  }
}
