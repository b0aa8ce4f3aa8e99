import DataLoader from 'dataloader';
import { groupedBy, keyedById, type RequestLoaders } from '../../graphql/request-loaders.js';
import type { DirectoryCache, DirectoryKind, DirectoryRow } from './directory-cache.js';
import type { DirectoryRepository } from './directory.repository.js';
import type { ServiceEntity } from './service.entity.js';

/** By id from the in-memory directory when it can answer, else from the tables with `read`. */
const cachedById =
  <K extends DirectoryKind>(
    name: string,
    kind: K,
    read: (repo: DirectoryRepository, ids: readonly string[]) => Promise<DirectoryRow<K>[]>,
  ) =>
  (loaders: RequestLoaders, repo: DirectoryRepository, cache: DirectoryCache) =>
    loaders.get(
      name,
      () =>
        new DataLoader<string, DirectoryRow<K> | null>(
          async (ids) => (await cache.find(kind, ids)) ?? keyedById(await read(repo, ids), ids),
        ),
    );

export const agencyLoader = cachedById('directory.agencyById', 'agencies', (repo, ids) =>
  repo.agenciesByIds(ids),
);

export const areaLoader = cachedById('directory.areaById', 'areas', (repo, ids) => repo.areasByIds(ids));

export const serviceLoader = cachedById('directory.serviceById', 'services', (repo, ids) =>
  repo.servicesByIds(ids),
);

export const servicesByAgencyLoader = (loaders: RequestLoaders, repo: DirectoryRepository) =>
  loaders.get(
    'directory.servicesByAgency',
    () =>
      new DataLoader<string, ServiceEntity[]>(async (agencyIds) =>
        groupedBy(await repo.servicesByAgencyIds(agencyIds), agencyIds, (s) => s.agencyId),
      ),
  );

export const serviceAreaIdsLoader = (loaders: RequestLoaders, repo: DirectoryRepository) =>
  loaders.get(
    'directory.areaIdsByService',
    () =>
      new DataLoader<string, string[]>(async (serviceIds) =>
        groupedBy(await repo.areaIdsByServiceIds(serviceIds), serviceIds, (r) => r.serviceId).map((group) =>
          group.map((r) => r.areaId),
        ),
      ),
  );
