import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { NotificationListener } from '../../database/notification-listener.js';
import type { AgencyEntity } from './agency.entity.js';
import type { AreaEntity } from './area.entity.js';
import { DirectoryRepository, type DirectoryRows } from './directory.repository.js';
import type { ServiceEntity } from './service.entity.js';

/** Sent by the triggers of migration DirectoryChangeNotifications when a directory table changes. */
const DIRECTORY_CHANNEL = 'directory_changed';

interface RowKinds {
  areas: AreaEntity;
  agencies: AgencyEntity;
  services: ServiceEntity;
}

export type DirectoryKind = keyof RowKinds;
export type DirectoryRow<K extends DirectoryKind> = Readonly<RowKinds[K]>;
type Snapshot = { [K in DirectoryKind]: ReadonlyMap<string, DirectoryRow<K>> };

const indexed = <T extends { id: string }>(rows: T[]) =>
  new Map(rows.map((row) => [row.id, Object.freeze(row)] as const));

/**
 * Areas, agencies and services by id, kept in memory: nearly every page names them, they are a
 * few hundred rows, and they change a few times a year. The copy is dropped whenever PostgreSQL
 * reports a change to those tables (a trigger notifies on commit, from any process or writer)
 * and is read again on next use, so another process's edit shows here within milliseconds and
 * this process's own edit at once. While the notification connection is down nothing is cached:
 * callers read the tables as usual. Only display reads use it; rules read the tables.
 */
@Injectable()
export class DirectoryCache implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly listener: NotificationListener;
  private snapshot: Promise<Snapshot | null> | null = null;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    private readonly repo: DirectoryRepository,
  ) {
    const drop = () => this.invalidate();
    this.listener = new NotificationListener(config.databaseUrl!, 'directory-listener', [DIRECTORY_CHANNEL], {
      notified: drop,
      listening: drop,
      deaf: drop,
    });
  }

  onApplicationBootstrap(): Promise<void> {
    return this.listener.start();
  }

  onApplicationShutdown(): Promise<void> {
    return this.listener.stop();
  }

  invalidate(): void {
    this.snapshot = null;
  }

  /**
   * The rows for `ids`, or null when the caller must read the tables: the cache cannot be trusted
   * right now, or it lacks one of the ids (created a moment ago, its notification still on the way).
   */
  async find<K extends DirectoryKind>(kind: K, ids: readonly string[]): Promise<DirectoryRow<K>[] | null> {
    const snapshot = await this.current();
    if (!snapshot) return null;
    const rows: ReadonlyMap<string, DirectoryRow<K>> = snapshot[kind];
    const found: DirectoryRow<K>[] = [];
    for (const id of ids) {
      const row = rows.get(id);
      if (!row) return null;
      found.push(row);
    }
    return found;
  }

  private current(): Promise<Snapshot | null> {
    if (!this.listener.ready) return Promise.resolve(null);
    if (!this.snapshot) {
      const loading = this.repo
        .readDirectory((sql) => this.listener.query(sql))
        .then(
          (rows: DirectoryRows): Snapshot => ({
            areas: indexed(rows.areas),
            agencies: indexed(rows.agencies),
            services: indexed(rows.services),
          }),
          () => null,
        );
      this.snapshot = loading;
      // A failed read is not kept: the next caller tries again (or reads the tables).
      void loading.then((s) => {
        if (!s && this.snapshot === loading) this.snapshot = null;
      });
    }
    return this.snapshot;
  }
}
