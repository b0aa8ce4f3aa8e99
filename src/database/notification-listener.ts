import pg from 'pg';

export interface NotificationHandlers {
  /** A notification arrived on one of the channels. */
  notified(channel: string): void;
  /** The connection is up and listening; anything may have changed while it was not. */
  listening(): void;
  /** The connection is lost: notifications may be missed until `listening` again. */
  deaf(): void;
}

/**
 * One dedicated connection that LISTENs on some channels, outside the query pool (a pooled
 * connection would stop listening when released). It reconnects by itself after PostgreSQL
 * restarts and never throws: while it is down, `ready` is false and callers must not rely on
 * notifications. It also runs the few queries of whoever depends on those notifications, so
 * their reads and the notifications share one ordered stream.
 */
export class NotificationListener {
  private client: pg.Client | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly url: string,
    /** Shown in pg_stat_activity as `family-support-api-<purpose>`. */
    private readonly purpose: string,
    private readonly channels: readonly string[],
    private readonly handlers: NotificationHandlers,
    private readonly retryMs = 1000,
  ) {}

  get ready(): boolean {
    return this.client !== null;
  }

  /** Connects once; on failure it keeps retrying in the background. */
  start(): Promise<void> {
    this.stopped = false;
    return this.connect();
  }

  async query<T>(sql: string): Promise<T[]> {
    if (!this.client) throw new Error('the notification connection is down');
    return (await this.client.query(sql)).rows as T[];
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.client) return;
    const client = new pg.Client({
      connectionString: this.url,
      application_name: `family-support-api-${this.purpose}`,
      keepAlive: true,
    });
    // Without an error listener node-postgres would crash the process when the server goes away.
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      for (const channel of this.channels) await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    } catch {
      await client.end().catch(() => undefined);
      this.retry();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    client.on('notification', (message) => this.handlers.notified(message.channel));
    this.client = client;
    this.handlers.listening();
  }

  private lost(client: pg.Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.handlers.deaf();
    client.end().catch(() => undefined);
    this.retry();
  }

  private retry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.connect();
    }, this.retryMs);
    this.retryTimer.unref();
  }
}
