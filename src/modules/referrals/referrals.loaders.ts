import DataLoader from 'dataloader';
import type { UserProfile } from '../../common/actor.js';
import { groupedBy, type RequestLoaders } from '../../graphql/request-loaders.js';
import type { ReferralEventType, ReferralType } from './dto/referral.types.js';
import type { ChildRow, ReferralsRepository, ReferralWithEvents } from './referrals.repository.js';

export const referralsByFamilyLoader = (loaders: RequestLoaders, repo: ReferralsRepository) =>
  loaders.get(
    'referrals.byFamily',
    () =>
      new DataLoader<string, ReferralType[]>(async (ids) =>
        groupedBy(await repo.byFamilyIds(ids), ids, (r) => r.familyId),
      ),
  );

/** A family's referrals with their events and actors, for pages that show the events. */
export const referralsWithEventsByFamilyLoader = (loaders: RequestLoaders, repo: ReferralsRepository) =>
  loaders.get(
    'referrals.byFamily.withEvents',
    () =>
      new DataLoader<string, ReferralWithEvents[]>(async (ids) =>
        groupedBy(await repo.byFamilyIdsWithEvents(ids), ids, (r) => r.referral.familyId),
      ),
  );

export const referralsByPackageLoader = (loaders: RequestLoaders, repo: ReferralsRepository) =>
  loaders.get(
    'referrals.byPackage',
    () =>
      new DataLoader<string, ReferralType[]>(async (ids) =>
        groupedBy(await repo.byPackageIds(ids), ids, (r) => r.packageId),
      ),
  );

export const referralChildrenLoader = (loaders: RequestLoaders, repo: ReferralsRepository) =>
  loaders.get(
    'referrals.children',
    () =>
      new DataLoader<string, ChildRow[]>(async (ids) =>
        groupedBy(await repo.childrenByReferralIds(ids), ids, (c) => c.referralId),
      ),
  );

/** Events by referral; `withActors` receives the display rows of their actors, read in the same statement. */
export const referralEventsLoader = (
  loaders: RequestLoaders,
  repo: ReferralsRepository,
  withActors: (actors: UserProfile[]) => void,
) =>
  loaders.get(
    'referrals.events',
    () =>
      new DataLoader<string, ReferralEventType[]>(async (ids) => {
        const { events, actors } = await repo.eventsByReferralIds(ids);
        withActors(actors);
        return groupedBy(events, ids, (e) => e.referralId);
      }),
  );
