import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InvalidatedCache } from '../../common/invalidated-cache.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { NotificationListener } from '../../database/notification-listener.js';
import type { UserAccessRow } from './users.repository.js';

/** Sent by the triggers of migration AccessChangeNotifications when users or revoked_tokens change. */
const ACCESS_CHANNEL = 'access_changed';

/** Distinct signed-in tokens kept at once; past this the oldest is read again on its next use. */
const MAX_CALLERS = 10_000;

/**
 * The caller's access row (profile, roles, agency, active, token revoked) by token, kept in
 * memory between the requests of one sign-in. Reading it was every request's own statement.
 *
 * When it is dropped, so that a change applies to the next request:
 * - this process's own deactivations, role changes and logouts drop it at once, after they commit
 *   and before they answer;
 * - any other change to `users` or `revoked_tokens` (another API process, a hand-run statement)
 *   drops it when PostgreSQL's notification arrives, which it sends on commit;
 * - while the notification connection is down, nothing is kept and every request reads the row;
 * - every entry also expires after AUTH_CACHE_SECONDS (0 turns the cache off).
 */
@Injectable()
export class CallerCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly rows: InvalidatedCache<Readonly<UserAccessRow>>;
  private readonly listener: NotificationListener | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const ttlMs = config.authCacheSeconds * 1000;
    this.rows = new InvalidatedCache({ ttlMs, maxEntries: MAX_CALLERS });
    const drop = () => this.invalidate();
    this.listener =
      ttlMs > 0
        ? new NotificationListener(config.databaseUrl!, 'access-listener', [ACCESS_CHANNEL], {
            notified: drop,
            listening: drop,
            deaf: drop,
          })
        : null;
  }

  onApplicationBootstrap(): Promise<void> {
    return this.listener?.start() ?? Promise.resolve();
  }

  onApplicationShutdown(): Promise<void> {
    return this.listener?.stop() ?? Promise.resolve();
  }

  /** The access row of this user and token: kept, or read with `load` (and kept if it may be). */
  async accessRow(
    userId: string,
    tokenId: string,
    load: () => Promise<UserAccessRow | null>,
  ): Promise<Readonly<UserAccessRow> | null> {
    if (!this.listener?.ready) return load();
    // A read that outlives a lost connection is not kept: `deaf` invalidates.
    return this.rows.read(`${userId} ${tokenId}`, async () => {
      const row = await load();
      return row && Object.freeze({ ...row, roles: Object.freeze([...row.roles]) as UserAccessRow['roles'] });
    });
  }

  /** Forgets every caller; called after this process commits a change to access. */
  invalidate(): void {
    this.rows.invalidate();
  }
}
