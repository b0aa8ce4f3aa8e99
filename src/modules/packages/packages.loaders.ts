import DataLoader from 'dataloader';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import type { SupportPackageType } from './dto/package.types.js';
import type { PackagesRepository } from './packages.repository.js';

export const packagesByFamilyLoader = (loaders: RequestLoaders, repo: PackagesRepository) =>
  loaders.get(
    'packages.byFamily',
    () =>
      new DataLoader<string, SupportPackageType[]>(async (ids) => {
        const rows = await repo.byFamilyIds(ids);
        return ids.map((id) => rows.filter((p) => p.familyId === id));
      }),
  );
