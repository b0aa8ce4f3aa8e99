import DataLoader from 'dataloader';
import { keyedById, type RequestLoaders } from '../../graphql/request-loaders.js';
import type { UserEntity } from './user.entity.js';
import type { UsersRepository } from './users.repository.js';

export const userLoader = (loaders: RequestLoaders, repo: UsersRepository) =>
  loaders.get(
    'users.byId',
    () =>
      new DataLoader<string, Omit<UserEntity, 'passwordHash'> | null>(async (ids) =>
        keyedById(await repo.findByIds(ids), ids),
      ),
  );
