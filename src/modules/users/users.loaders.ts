import DataLoader from 'dataloader';
import type { UserProfile } from '../../common/actor.js';
import { keyedById, type RequestLoaders } from '../../graphql/request-loaders.js';
import type { UserEntity } from './user.entity.js';
import type { UsersRepository } from './users.repository.js';

/** Users by id for display; the caller's own row, read by the auth check, is there from the start. */
export const userLoader = (loaders: RequestLoaders, repo: UsersRepository, caller?: UserProfile) =>
  loaders.get('users.byId', () => {
    const loader = new DataLoader<string, Omit<UserEntity, 'passwordHash'> | null>(async (ids) =>
      keyedById(await repo.findByIds(ids), ids),
    );
    if (caller) loader.prime(caller.id, caller);
    return loader;
  });
