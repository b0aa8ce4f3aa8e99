import DataLoader from 'dataloader';
import { groupedBy, keyedById, type RequestLoaders } from '../../graphql/request-loaders.js';
import type { ConsentEntity } from './consent.entity.js';
import type { FamilyMemberEntity } from './family-member.entity.js';
import type { FamilyEntity } from './family.entity.js';
import type { ConsentRow, FamiliesRepository, FamilyRead } from './families.repository.js';
import type { LeadProfessionalAssignmentEntity } from './lead-professional-assignment.entity.js';

export const familyLoader = (loaders: RequestLoaders, repo: FamiliesRepository) =>
  loaders.get(
    'families.byId',
    () =>
      new DataLoader<string, FamilyEntity | null>(async (ids) => keyedById(await repo.findByIds(ids), ids)),
  );

export const membersLoader = (loaders: RequestLoaders, repo: FamiliesRepository) =>
  loaders.get(
    'families.membersByFamily',
    () =>
      new DataLoader<string, FamilyMemberEntity[]>(async (ids) => {
        const members = await repo.membersByFamilyIds(ids);
        keepMembersById(loaders, repo, members);
        return groupedBy(members, ids, (m) => m.familyId);
      }),
  );

// A consent's giver or a referral's child is usually one of a family's members: no second query for it.
const keepMembersById = (
  loaders: RequestLoaders,
  repo: FamiliesRepository,
  members: FamilyMemberEntity[],
) => {
  const byId = memberLoader(loaders, repo);
  for (const member of members) byId.prime(member.id, member);
};

// The agencies each consent names come with it, so they need no query of their own.
const withoutAgencyIds = (loaders: RequestLoaders, repo: FamiliesRepository, rows: ConsentRow[]) => {
  const agencyIds = consentAgencyIdsLoader(loaders, repo);
  return rows.map(({ agencyIds: named, ...consent }): ConsentEntity => {
    agencyIds.prime(consent.id, named);
    return consent;
  });
};

/** Primes the loaders with the lists a family read brought along (FamiliesRepository.findAuditedForLead). */
export function keepFamilyRead(loaders: RequestLoaders, repo: FamiliesRepository, read: FamilyRead): void {
  if (read.members) {
    membersLoader(loaders, repo).prime(read.family.id, read.members);
    keepMembersById(loaders, repo, read.members);
  }
  if (read.consents) {
    consentsLoader(loaders, repo).prime(read.family.id, withoutAgencyIds(loaders, repo, read.consents));
  }
}

export const memberLoader = (loaders: RequestLoaders, repo: FamiliesRepository) =>
  loaders.get(
    'families.memberById',
    () =>
      new DataLoader<string, FamilyMemberEntity | null>(async (ids) =>
        keyedById(await repo.membersByIds(ids), ids),
      ),
  );

export const assignmentsLoader = (loaders: RequestLoaders, repo: FamiliesRepository) =>
  loaders.get(
    'families.assignmentsByFamily',
    () =>
      new DataLoader<string, LeadProfessionalAssignmentEntity[]>(async (ids) =>
        groupedBy(await repo.assignmentsByFamilyIds(ids), ids, (a) => a.familyId),
      ),
  );

export const consentsLoader = (loaders: RequestLoaders, repo: FamiliesRepository) =>
  loaders.get(
    'families.consentsByFamily',
    () =>
      new DataLoader<string, ConsentEntity[]>(async (ids) => {
        const consents = withoutAgencyIds(loaders, repo, await repo.consentsByFamilyIds(ids));
        return groupedBy(consents, ids, (c) => c.familyId);
      }),
  );

export const consentAgencyIdsLoader = (loaders: RequestLoaders, repo: FamiliesRepository) =>
  loaders.get(
    'families.agencyIdsByConsent',
    () =>
      new DataLoader<string, string[]>(async (ids) =>
        groupedBy(await repo.agencyIdsByConsentIds(ids), ids, (r) => r.consentId).map((g) =>
          g.map((r) => r.agencyId),
        ),
      ),
  );

/** For agency staff: which of the families their agency has a sent (non-draft) referral for. */
export const agencySentReferralLoader = (
  loaders: RequestLoaders,
  repo: FamiliesRepository,
  agencyId: string,
) =>
  loaders.get(
    `families.agencyHasSentReferral:${agencyId}`,
    () =>
      new DataLoader<string, boolean>(async (familyIds) => {
        const found = await repo.familiesWithSentReferral(agencyId, familyIds);
        return familyIds.map((id) => found.has(id));
      }),
  );
