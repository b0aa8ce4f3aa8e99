import DataLoader from 'dataloader';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import type { AgencyEntity } from './agency.entity.js';
import type { DirectoryCache } from './directory-cache.js';
import type { AreaEntity } from './area.entity.js';
import type { DirectoryRepository } from './directory.repository.js';
import type { ServiceEntity } from './service.entity.js';

const byId = <T extends { id: string }>(rows: T[], ids: readonly string[]) => {
  const map = new Map(rows.map((r) => [r.id, r]));
  return ids.map((id) => map.get(id) ?? null);
};

// By id from the in-memory directory when it can answer, else from the tables.
export const agencyLoader = (loaders: RequestLoaders, repo: DirectoryRepository, cache: DirectoryCache) =>
  loaders.get(
    'directory.agencyById',
    () =>
      new DataLoader<string, AgencyEntity | null>(
        async (ids) => (await cache.find('agencies', ids)) ?? byId(await repo.agenciesByIds(ids), ids),
      ),
  );

export const areaLoader = (loaders: RequestLoaders, repo: DirectoryRepository, cache: DirectoryCache) =>
  loaders.get(
    'directory.areaById',
    () =>
      new DataLoader<string, AreaEntity | null>(
        async (ids) => (await cache.find('areas', ids)) ?? byId(await repo.areasByIds(ids), ids),
      ),
  );

export const serviceLoader = (loaders: RequestLoaders, repo: DirectoryRepository, cache: DirectoryCache) =>
  loaders.get(
    'directory.serviceById',
    () =>
      new DataLoader<string, ServiceEntity | null>(
        async (ids) => (await cache.find('services', ids)) ?? byId(await repo.servicesByIds(ids), ids),
      ),
  );

export const servicesByAgencyLoader = (loaders: RequestLoaders, repo: DirectoryRepository) =>
  loaders.get(
    'directory.servicesByAgency',
    () =>
      new DataLoader<string, ServiceEntity[]>(async (agencyIds) => {
        const rows = await repo.servicesByAgencyIds(agencyIds);
        return agencyIds.map((id) => rows.filter((s) => s.agencyId === id));
      }),
  );

export const serviceAreaIdsLoader = (loaders: RequestLoaders, repo: DirectoryRepository) =>
  loaders.get(
    'directory.areaIdsByService',
    () =>
      new DataLoader<string, string[]>(async (serviceIds) => {
        const rows = await repo.areaIdsByServiceIds(serviceIds);
        return serviceIds.map((id) => rows.filter((r) => r.serviceId === id).map((r) => r.areaId));
      }),
  );
