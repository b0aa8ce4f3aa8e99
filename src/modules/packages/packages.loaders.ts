import DataLoader from 'dataloader';
import { groupedBy, type RequestLoaders } from '../../graphql/request-loaders.js';
import type { SupportPackageType } from './dto/package.types.js';
import type { PackagesRepository } from './packages.repository.js';

export const packagesByFamilyLoader = (loaders: RequestLoaders, repo: PackagesRepository) =>
  loaders.get(
    'packages.byFamily',
    () =>
      new DataLoader<string, SupportPackageType[]>(async (ids) =>
        groupedBy(await repo.byFamilyIds(ids), ids, (p) => p.familyId),
      ),
  );
