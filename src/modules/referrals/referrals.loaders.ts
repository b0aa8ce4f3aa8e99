import DataLoader from 'dataloader';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import type { ReferralEventType, ReferralType } from './dto/referral.types.js';
import type { ChildRow, ReferralsRepository } from './referrals.repository.js';

function groupBy<T>(rows: T[], keys: readonly string[], keyOf: (row: T) => string | null): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === null) continue;
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((k) => groups.get(k) ?? []);
}

export const referralsByFamilyLoader = (loaders: RequestLoaders, repo: ReferralsRepository) =>
  loaders.get(
    'referrals.byFamily',
    () =>
      new DataLoader<string, ReferralType[]>(async (ids) =>
        groupBy(await repo.byFamilyIds(ids), ids, (r) => r.familyId),
      ),
  );

export const referralsByPackageLoader = (loaders: RequestLoaders, repo: ReferralsRepository) =>
  loaders.get(
    'referrals.byPackage',
    () =>
      new DataLoader<string, ReferralType[]>(async (ids) =>
        groupBy(await repo.byPackageIds(ids), ids, (r) => r.packageId),
      ),
  );

export const referralChildrenLoader = (loaders: RequestLoaders, repo: ReferralsRepository) =>
  loaders.get(
    'referrals.children',
    () =>
      new DataLoader<string, ChildRow[]>(async (ids) =>
        groupBy(await repo.childrenByReferralIds(ids), ids, (c) => c.referralId),
      ),
  );

export const referralEventsLoader = (loaders: RequestLoaders, repo: ReferralsRepository) =>
  loaders.get(
    'referrals.events',
    () =>
      new DataLoader<string, ReferralEventType[]>(async (ids) =>
        groupBy(await repo.eventsByReferralIds(ids), ids, (e) => e.referralId),
      ),
  );
