import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/actor.js';
import { ageInYears, assertNotInFuture, dateInZone } from '../../common/dates.js';
import { ConsentScope, MemberRole, Role } from '../../common/enums.js';
import { badInput } from '../../common/errors.js';
import { isId } from '../../common/ids.js';
import {
  decodeCursor,
  emptyConnection,
  encodeCursor,
  pageSize,
  toConnection,
} from '../../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { resolveShown, resolveShownOfEach } from '../../graphql/resolved-fields.js';
import { AuditService } from '../audit/audit.service.js';
import { DirectoryRepository } from '../directory/directory.repository.js';
import { DirectoryService } from '../directory/directory.service.js';
import { UsersRepository } from '../users/users.repository.js';
import { UsersService } from '../users/users.service.js';
import type { ConsentEntity } from './consent.entity.js';
import type { ConsentInput, CreateFamilyInput, FamilyMemberInput } from './dto/family.inputs.js';
import type { FamilyAccessLevel, FamilyType } from './dto/family.types.js';
import type { FamilyEntity } from './family.entity.js';
import { FamilyErrors } from './families.errors.js';
import {
  agencySentReferralLoader,
  assignmentsLoader,
  consentAgencyIdsLoader,
  consentsLoader,
  familyLoader,
  keepFamilyRead,
  memberLoader,
  membersLoader,
} from './families.loaders.js';
import { FamiliesRepository, type FamilyReadIncludes } from './families.repository.js';
import {
  CHILD_CONSENT_MIN_AGE,
  consentActiveAt,
  familyAccess,
  leadsOrAdministers,
  mayUseFamilies,
} from './families.rules.js';

/** The fields a query shows of a family, of each of its consents, and below any other field. */
export interface FamilyShownFields {
  fields: ReadonlySet<string>;
  consents?: ReadonlySet<string>;
  below?: (field: string) => ReadonlySet<string>;
}

/**
 * A Family field another module resolves (Family.referrals) whose list a lead professional's read
 * of their own family can bring along in its statement. That module registers it
 * (`FamiliesService.readAlong`), since it depends on this one and not the other way round.
 */
export interface FamilyReadAlong {
  /** The Family field it serves: read along only when the query shows it. */
  field: string;
  /** A JSON scalar subquery for the family whose id is the SQL expression `familyId`. */
  sql(familyId: string, shownBelow: ReadonlySet<string>): string;
  /** Hands what was read to the loaders the field's resolver reads through; it still checks access. */
  keep(familyId: string, json: unknown, shownBelow: ReadonlySet<string>, loaders: RequestLoaders): void;
}

const toFamilyView = (
  f: Pick<FamilyEntity, 'id' | 'reference' | 'name' | 'areaId' | 'leadProfessionalId' | 'createdAt'>,
  access: FamilyAccessLevel,
): FamilyType => ({
  id: f.id,
  reference: f.reference,
  name: f.name,
  areaId: f.areaId,
  leadProfessionalId: f.leadProfessionalId,
  createdAt: f.createdAt,
  access,
});

/**
 * Families, their members, consent and lead professionals. Every use case checks the
 * caller's need to know here (families.rules.ts); what the caller may not see is NOT_FOUND.
 */
@Injectable()
export class FamiliesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: FamiliesRepository,
    private readonly directory: DirectoryRepository,
    private readonly users: UsersRepository,
    private readonly audit: AuditService,
    private readonly directoryService: DirectoryService,
    private readonly usersService: UsersService,
  ) {}

  private readonly alongs: FamilyReadAlong[] = [];

  /** Registers another module's Family field to be read along with a lead professional's family read. */
  readAlong(along: FamilyReadAlong): void {
    this.alongs.push(along);
  }

  // ---------- access, shared with the referrals and packages modules ----------

  /** The caller's access to one family, or null (NOT_FOUND). Board-only callers are refused outright. */
  async accessTo(
    actor: Actor,
    family: FamilyEntity,
    loaders?: RequestLoaders,
    manager?: EntityManager,
  ): Promise<FamilyAccessLevel | null> {
    if (!mayUseFamilies(actor)) throw FamilyErrors.boardMember();
    const direct = familyAccess(actor, family, false);
    if (direct || !actor.roles.has(Role.AGENCY_STAFF) || !actor.agencyId) return direct;
    const hasSent = loaders
      ? await agencySentReferralLoader(loaders, this.repo, actor.agencyId).load(family.id)
      : (await this.repo.familiesWithSentReferral(actor.agencyId, [family.id], manager)).has(family.id);
    return familyAccess(actor, family, hasSent);
  }

  /** A family the caller may see, or NOT_FOUND. */
  async visibleFamily(actor: Actor, familyId: string, loaders?: RequestLoaders): Promise<FamilyType> {
    if (!mayUseFamilies(actor)) throw FamilyErrors.boardMember();
    const family = loaders ? await this.familyRow(familyId, loaders) : await this.repo.findById(familyId);
    const access = family ? await this.accessTo(actor, family, loaders) : null;
    if (!family || !access) throw FamilyErrors.notFound();
    return toFamilyView(family, access);
  }

  /** For changes: the caller must lead the family or administer; others who can see it get FORBIDDEN. */
  async familyForLeadWork(actor: Actor, familyId: string, manager?: EntityManager): Promise<FamilyEntity> {
    if (!mayUseFamilies(actor)) throw FamilyErrors.boardMember();
    return this.leadWorkOn(actor, await this.repo.findById(familyId, manager), manager);
  }

  /**
   * The same check on a family row another module read along with its own facts, in the caller's
   * transaction (`manager`); null when there is no such family.
   */
  async leadWorkOn(
    actor: Actor,
    family: FamilyEntity | null,
    manager?: EntityManager,
  ): Promise<FamilyEntity> {
    if (!mayUseFamilies(actor)) throw FamilyErrors.boardMember();
    if (!family) throw FamilyErrors.notFound();
    if (leadsOrAdministers(actor, family)) return family;
    // On the caller's connection: a second one could wait for a full pool while this one is held.
    if (await this.accessTo(actor, family, undefined, manager)) throw FamilyErrors.notLead();
    throw FamilyErrors.notFound();
  }

  /**
   * The family of a record the caller was allowed to see (a referral, a package): FULL for its
   * lead professional and admins, LIMITED for everyone else; null when the family is gone.
   */
  async familyOfRecord(actor: Actor, familyId: string, loaders: RequestLoaders): Promise<FamilyType | null> {
    const family = await this.familyRow(familyId, loaders);
    return family ? toFamilyView(family, leadsOrAdministers(actor, family) ? 'FULL' : 'LIMITED') : null;
  }

  /** Family rows another module read along with its own (a page of referrals): no statement of their own. */
  keepFamilyRows(rows: readonly FamilyEntity[], loaders: RequestLoaders): void {
    const byId = familyLoader(loaders, this.repo);
    for (const row of rows) byId.prime(row.id, row);
  }

  familyRow(familyId: string, loaders: RequestLoaders): Promise<FamilyEntity | null> {
    return isId(familyId) ? familyLoader(loaders, this.repo).load(familyId) : Promise.resolve(null);
  }

  members(familyId: string, loaders: RequestLoaders) {
    return membersLoader(loaders, this.repo).load(familyId);
  }

  member(memberId: string, loaders: RequestLoaders) {
    return memberLoader(loaders, this.repo).load(memberId);
  }

  // ---------- queries ----------

  /**
   * One family's record; every read (and every refused attempt) is audited.
   * - A lead professional's read of a family: one statement reads the row and writes the audit row
   *   if the caller is its lead professional in that same row (decision and audit on one snapshot).
   * - Otherwise access is decided on the request's family row, and one statement writes the audit
   *   row only if the family still has the lead professional that decision was made on (check and
   *   audit in one transaction, one round trip).
   * - Failing that (a handover came in between, or no access) the read is decided again inside a
   *   transaction.
   */
  async family(
    actor: Actor,
    id: string,
    loaders: RequestLoaders,
    shown: FamilyShownFields = { fields: new Set() },
  ): Promise<FamilyType> {
    // Members and consents the query shows are read with the family, not in statements of their own.
    const family = await this.readFamily(actor, id, loaders, shown);
    return this.resolveShownFields(actor, family, shown, loaders);
  }

  private async readFamily(
    actor: Actor,
    id: string,
    loaders: RequestLoaders,
    shown: FamilyShownFields,
  ): Promise<FamilyType> {
    if (!mayUseFamilies(actor)) {
      await this.auditDeniedRead(actor, id);
      throw FamilyErrors.boardMember();
    }
    const read = (familyId: string) => ({ action: 'family.read', entityType: 'Family', entityId: familyId });
    if (actor.roles.has(Role.LEAD_PROFESSIONAL) && isId(id)) {
      // The members, consents and other lists the page shows come in the same statement (the
      // caller's own family is the common case); the field resolvers find them in the loaders and
      // check access as usual.
      const include: FamilyReadIncludes = {
        members: shown.fields.has('members'),
        consents: shown.fields.has('consents'),
      };
      // Each registered field the query shows, with the fields it shows below it.
      const alongs = this.alongs
        .filter((along) => shown.fields.has(along.field))
        .map((along) => ({ along, below: shown.below?.(along.field) ?? new Set<string>() }));
      const found = await this.repo.findAuditedForLead(
        id,
        actor.id,
        this.audit.along(actor, read(id)),
        include,
        alongs.map(({ along, below }) => ({
          name: along.field,
          sql: (familyId) => along.sql(familyId, below),
        })),
      );
      const row = found?.family;
      if (found) {
        familyLoader(loaders, this.repo).prime(found.family.id, found.family);
        keepFamilyRead(loaders, this.repo, found);
        for (const { along, below } of alongs) {
          const json = found.extras[along.field];
          // Read only when the row names the caller as its lead professional (null otherwise).
          if (json != null) along.keep(found.family.id, json, below, loaders);
        }
      }
      // Audited by that statement exactly when the row names the caller as its lead professional,
      // which gives a lead professional FULL access.
      if (row?.leadProfessionalId === actor.id) return toFamilyView(row, 'FULL');
    }
    const family = await this.familyRow(id, loaders);
    const access = family ? await this.accessTo(actor, family, loaders) : null;
    if (
      family &&
      access &&
      (await this.audit.recordIf(
        actor,
        read(family.id),
        this.repo.stillLedBy(family.id, family.leadProfessionalId),
      ))
    ) {
      return toFamilyView(family, access);
    }
    const decided = await this.db.transaction(async (m) => {
      const current = await this.repo.findById(id, m);
      const currentAccess = current ? await this.accessTo(actor, current, undefined, m) : null;
      if (!current || !currentAccess) return null;
      await this.audit.record(m, actor, read(current.id));
      return toFamilyView(current, currentAccess);
    });
    if (decided) return decided;
    // After the transaction: no second pooled connection is taken while one is held.
    await this.auditDeniedRead(actor, id);
    throw FamilyErrors.notFound();
  }

  /** A refused read is audited on its own, outside any transaction that rolls back. */
  private auditDeniedRead(actor: Actor, id: string): Promise<void> {
    return this.audit.record(undefined, actor, {
      action: 'family.read.denied',
      entityType: 'Family',
      entityId: isId(id) ? id : null,
    });
  }

  async families(
    actor: Actor,
    args: { first?: number | null; after?: string | null; search?: string | null; areaId?: string | null },
  ) {
    if (!mayUseFamilies(actor)) throw FamilyErrors.boardMember();
    const size = pageSize(args.first);
    const search = args.search?.trim() || null;
    if (search && search.length > 100) throw badInput('search must be at most 100 characters');
    const cursor = decodeCursor(args.after, 2);
    if (cursor && (typeof cursor[0] !== 'string' || !isId(cursor[1])))
      throw badInput('after is not a valid cursor');
    if (args.areaId && !isId(args.areaId)) return emptyConnection<FamilyType>();
    const admin = actor.roles.has(Role.ADMIN);
    const { rows, total } = await this.repo.page(
      {
        all: admin,
        leadProfessionalId: actor.roles.has(Role.LEAD_PROFESSIONAL) ? actor.id : null,
        agencyId: actor.roles.has(Role.AGENCY_STAFF) ? actor.agencyId : null,
      },
      { search, areaId: args.areaId ?? null },
      cursor as [string, string] | null,
      size,
    );
    return toConnection(
      rows,
      size,
      total,
      (r) => encodeCursor([r.name, r.id]),
      (r) => toFamilyView(r, familyAccess(actor, r, true) ?? 'LIMITED'),
    );
  }

  // ---------- field data, filtered by the access level stamped on the family ----------

  async leadProfessionalHistory(family: FamilyType, loaders: RequestLoaders) {
    return family.access === 'FULL' ? assignmentsLoader(loaders, this.repo).load(family.id) : [];
  }

  async consents(family: FamilyType, loaders: RequestLoaders) {
    return family.access === 'FULL' ? consentsLoader(loaders, this.repo).load(family.id) : [];
  }

  consentAgencyIds(consentId: string, loaders: RequestLoaders) {
    return consentAgencyIdsLoader(loaders, this.repo).load(consentId);
  }

  // ---------- relations of a family and of its consents (their field resolvers, and family()) ----------

  areaOf(family: FamilyType, loaders: RequestLoaders) {
    return this.directoryService.area(family.areaId, loaders);
  }

  /** Shown to everyone who may see the family: the lead professional is the agencies' point of contact. */
  async leadProfessionalOf(actor: Actor, family: FamilyType, loaders: RequestLoaders) {
    return family.leadProfessionalId
      ? this.usersService.userForDisplay(actor, family.leadProfessionalId, loaders)
      : null;
  }

  consentGiver(consent: Pick<ConsentEntity, 'givenByMemberId'>, loaders: RequestLoaders) {
    return this.member(consent.givenByMemberId, loaders);
  }

  async consentAgencies(consent: Pick<ConsentEntity, 'id'>, loaders: RequestLoaders) {
    const ids = await this.consentAgencyIds(consent.id, loaders);
    const agencies = await Promise.all(ids.map((id) => this.directoryService.agency(id, loaders)));
    return agencies.filter((a) => a !== null);
  }

  /**
   * The family's relations the query shows, resolved with the family read by the same calls (and
   * checks) as their field resolvers, so that they complete without a resolver call each
   * (resolveShown); `shown.consents` names the fields shown of each consent.
   */
  private resolveShownFields(
    actor: Actor,
    family: FamilyType,
    shown: FamilyShownFields,
    loaders: RequestLoaders,
  ) {
    return resolveShown(family, shown.fields, {
      area: () => this.areaOf(family, loaders),
      members: () => this.members(family.id, loaders),
      leadProfessional: () => this.leadProfessionalOf(actor, family, loaders),
      consents: async () => {
        const consents = await this.consents(family, loaders);
        await resolveShownOfEach(consents, shown.consents, {
          givenBy: (consent) => this.consentGiver(consent, loaders),
          agencies: (consent) => this.consentAgencies(consent, loaders),
          active: (consent) => this.consentActive(consent),
        });
        return consents;
      },
    });
  }

  consentActive(consent: Pick<ConsentEntity, 'givenAt' | 'expiresAt' | 'withdrawnAt'>): boolean {
    return consentActiveAt(consent, new Date());
  }

  // ---------- mutations ----------

  async createFamily(actor: Actor, input: CreateFamilyInput): Promise<FamilyType> {
    const admin = actor.roles.has(Role.ADMIN);
    const lead = actor.roles.has(Role.LEAD_PROFESSIONAL);
    if (!admin && !lead)
      throw mayUseFamilies(actor) ? FamilyErrors.mayNotCreate() : FamilyErrors.boardMember();
    let leadProfessionalId: string | null;
    if (input.leadProfessionalId && input.leadProfessionalId !== actor.id) {
      if (!admin) throw FamilyErrors.mayNotCreate();
      await this.checkLeadProfessional(input.leadProfessionalId);
      leadProfessionalId = input.leadProfessionalId;
    } else {
      leadProfessionalId = lead ? actor.id : null;
    }
    const members = input.members.map((m) => this.checkMember(m));
    if ((await this.directory.areasByIds([input.areaId])).length !== 1) throw FamilyErrors.areaMissing();
    return this.db.transaction(async (m) => {
      const family = await this.repo.insertFamily(m, {
        name: input.name,
        areaId: input.areaId,
        leadProfessionalId,
        createdById: actor.id,
      });
      await this.repo.insertMembers(m, family.id, members);
      if (leadProfessionalId) {
        await this.repo.insertAssignment(m, {
          familyId: family.id,
          userId: leadProfessionalId,
          reason: null,
          assignedById: actor.id,
          startedAt: family.createdAt,
        });
      }
      await this.audit.record(m, actor, {
        action: 'family.create',
        entityType: 'Family',
        entityId: family.id,
      });
      return toFamilyView(family, 'FULL');
    });
  }

  async addFamilyMember(actor: Actor, familyId: string, input: FamilyMemberInput) {
    const member = this.checkMember(input);
    return this.db.transaction(async (m) => {
      const family = await this.familyForLeadWork(actor, familyId, m);
      const [created] = await this.repo.insertMembers(m, family.id, [member]);
      await this.audit.record(m, actor, {
        action: 'family.member.add',
        entityType: 'FamilyMember',
        entityId: created.id,
        details: { familyId: family.id },
      });
      return created;
    });
  }

  async assignLeadProfessional(actor: Actor, familyId: string, userId: string, reason: string | null) {
    const cleanReason = reason?.trim() || null;
    if (cleanReason && cleanReason.length > 1000) throw badInput('reason must be at most 1000 characters');
    return this.db.transaction(async (m) => {
      const family = await this.familyForLeadWork(actor, familyId, m);
      await this.checkLeadProfessional(userId);
      if (family.leadProfessionalId === userId) throw FamilyErrors.alreadyLead();
      // Conditional on the lead we read: of two concurrent handovers exactly one moves the family.
      if (!(await this.repo.swapLeadProfessional(m, family.id, family.leadProfessionalId, userId))) {
        throw FamilyErrors.handoverRace();
      }
      const now = new Date();
      await this.repo.endOpenAssignment(m, family.id, now);
      await this.repo.insertAssignment(m, {
        familyId: family.id,
        userId,
        reason: cleanReason,
        assignedById: actor.id,
        startedAt: now,
      });
      await this.audit.record(m, actor, {
        action: 'family.lead_professional.assign',
        entityType: 'Family',
        entityId: family.id,
        details: { from: family.leadProfessionalId, to: userId },
      });
      // The caller keeps full sight of the result they just produced (a handing-over lead loses it from the next request).
      return toFamilyView({ ...family, leadProfessionalId: userId }, 'FULL');
    });
  }

  async recordConsent(actor: Actor, familyId: string, input: ConsentInput) {
    const now = new Date();
    const givenAt = input.givenAt ?? now;
    assertNotInFuture(givenAt, 'givenAt', now);
    if (input.expiresAt && input.expiresAt.getTime() <= givenAt.getTime())
      throw FamilyErrors.expiryBeforeGiven();
    const agencyIds = [...new Set(input.agencyIds ?? [])];
    if (input.scope === ConsentScope.SPECIFIC_AGENCIES && !agencyIds.length)
      throw FamilyErrors.agenciesRequired();
    if (input.scope === ConsentScope.ALL_PARTNERS && agencyIds.length)
      throw FamilyErrors.agenciesNotAllowed();
    if (agencyIds.length && (await this.directory.agenciesByIds(agencyIds)).length !== agencyIds.length) {
      throw FamilyErrors.agenciesMissing();
    }
    return this.db.transaction(async (m) => {
      const family = await this.familyForLeadWork(actor, familyId, m);
      const [member] = await this.repo.membersByIds([input.givenByMemberId]);
      if (!member || member.familyId !== family.id) throw FamilyErrors.memberNotInFamily();
      if (member.role === MemberRole.CHILD) {
        const onDate = dateInZone(givenAt, this.config.reportingTimeZone);
        if (!member.dateOfBirth || ageInYears(member.dateOfBirth, onDate) < CHILD_CONSENT_MIN_AGE) {
          throw FamilyErrors.memberCannotConsent();
        }
      }
      const consent = await this.repo.insertConsent(m, {
        familyId: family.id,
        givenByMemberId: member.id,
        scope: input.scope,
        purpose: input.purpose,
        givenAt,
        expiresAt: input.expiresAt ?? null,
        recordedById: actor.id,
        agencyIds,
      });
      await this.audit.record(m, actor, {
        action: 'consent.record',
        entityType: 'Consent',
        entityId: consent.id,
        details: { familyId: family.id, scope: input.scope },
      });
      return consent;
    });
  }

  async withdrawConsent(actor: Actor, consentId: string) {
    return this.db.transaction(async (m) => {
      if (!mayUseFamilies(actor)) throw FamilyErrors.boardMember();
      const consent = await this.repo.findConsent(consentId, m);
      if (!consent) throw FamilyErrors.consentNotFound();
      const family = await this.repo.findById(consent.familyId, m);
      if (!family || !leadsOrAdministers(actor, family)) {
        if (family && (await this.accessTo(actor, family, undefined, m))) throw FamilyErrors.notLead();
        throw FamilyErrors.consentNotFound();
      }
      const withdrawn = await this.repo.withdrawConsent(m, consent.id, new Date());
      if (!withdrawn) throw FamilyErrors.consentAlreadyWithdrawn();
      await this.audit.record(m, actor, {
        action: 'consent.withdraw',
        entityType: 'Consent',
        entityId: consent.id,
        details: { familyId: family.id },
      });
      return withdrawn;
    });
  }

  // ---------- checks ----------

  private checkMember(input: FamilyMemberInput) {
    const dateOfBirth = input.dateOfBirth ?? null;
    if (dateOfBirth && dateOfBirth > dateInZone(new Date(), this.config.reportingTimeZone)) {
      throw FamilyErrors.dateOfBirthInFuture();
    }
    return { givenName: input.givenName, familyName: input.familyName, dateOfBirth, role: input.role };
  }

  private async checkLeadProfessional(userId: string) {
    const user = await this.users.findById(userId);
    if (!user || !user.active || !user.roles.includes(Role.LEAD_PROFESSIONAL))
      throw FamilyErrors.leadProfessionalInvalid();
  }
}
