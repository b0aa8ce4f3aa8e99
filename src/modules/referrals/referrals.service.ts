import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor, UserProfile } from '../../common/actor.js';
import { assertNotInFuture, dateInZone } from '../../common/dates.js';
import { Role, Urgency } from '../../common/enums.js';
import { DomainError, ErrorCode, badInput, conflict } from '../../common/errors.js';
import { isId, newId } from '../../common/ids.js';
import {
  decodeCursor,
  emptyConnection,
  encodeCursor,
  pageSize,
  toConnection,
} from '../../common/pagination.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { resolveShownOfEach } from '../../graphql/resolved-fields.js';
import { type AuditInput, AuditService } from '../audit/audit.service.js';
import { DirectoryService } from '../directory/directory.service.js';
import { UsersService } from '../users/users.service.js';
import type { FamilyType } from '../families/dto/family.types.js';
import type { FamilyEntity } from '../families/family.entity.js';
import { mayUseFamilies } from '../families/families.rules.js';
import { FamiliesService } from '../families/families.service.js';
import type { CreateReferralInput, ReferralFilter } from './dto/referral.inputs.js';
import { MAX_CHILDREN_PER_REFERRAL, MAX_REASON_LENGTH } from './dto/referral.inputs.js';
import type { ReferralEventType, ReferralType } from './dto/referral.types.js';
import { ReferralErrors } from './referrals.errors.js';
import {
  referralChildrenLoader,
  referralEventsLoader,
  referralsByFamilyLoader,
  referralsByPackageLoader,
  referralsWithEventsByFamilyLoader,
} from './referrals.loaders.js';
import {
  type ReferralCursor,
  type ReferralListScope,
  type ReferralPageRow,
  ReferralsRepository,
  type CreationFacts,
  type ReferralWithEvents,
  type SendFacts,
  type ServiceRow,
} from './referrals.repository.js';
import {
  childrenProblem,
  consentCovers,
  eligibilityProblem,
  latestStamp,
  mayAct,
  maySeeReferral,
  type ReferralAction,
  stampInOrder,
  type TransitionRule,
  TRANSITIONS,
  visibleThroughFamily,
  waitingDays,
} from './referrals.rules.js';

/** The fields a query shows of each referral in a list, and of each of their events. */
export interface ShownFields {
  fields: ReadonlySet<string>;
  events?: ReadonlySet<string>;
}

/** One referral to be created: from createReferral or from an item of a support package. */
export interface ReferralRequest {
  serviceId: string;
  childIds: string[];
  reason: string;
  urgency?: Urgency | null;
  shareWithoutConsentReason?: string | null;
}

/** A request that passed the creation checks, ready to insert. */
export interface PreparedReferral {
  service: ServiceRow;
  childIds: string[];
  reason: string;
  urgency: Urgency;
  shareWithoutConsentReason: string | null;
}

/** Stable hash of a normalised request: the same idempotency key with another payload is a CONFLICT. */
export const requestHash = (payload: unknown): string =>
  createHash('sha256').update(JSON.stringify(payload)).digest('hex');

/** Normalises a referral request for hashing and creation (trimmed text, unique children, default urgency). */
export function normaliseRequest(item: ReferralRequest): ReferralRequest & { urgency: Urgency } {
  return {
    serviceId: item.serviceId,
    childIds: [...new Set(item.childIds)].sort(),
    reason: item.reason.trim(),
    urgency: item.urgency ?? Urgency.ROUTINE,
    shareWithoutConsentReason: item.shareWithoutConsentReason?.trim() || null,
  };
}

const NOTE_FIELDS: Record<ReferralAction, string> = {
  send: '',
  accept: '',
  decline: 'reason',
  start: '',
  complete: 'outcome',
  withdraw: 'reason',
};

/**
 * Referrals: creation, the state machine, the agency inbox and the timeline. Every use case
 * checks the caller's need to know here (referrals.rules.ts); what the caller may not see is
 * NOT_FOUND; every transition and every single read is audited in the same transaction as the
 * change or read (a single statement where that is all it takes).
 */
@Injectable()
export class ReferralsService implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: ReferralsRepository,
    private readonly families: FamiliesService,
    private readonly users: UsersService,
    private readonly audit: AuditService,
    private readonly directory: DirectoryService,
  ) {}

  /**
   * Family.referrals comes with a lead professional's read of their own family (one statement
   * fewer on a family page); familyReferrals then finds the rows in the loaders and filters them
   * by the family's access as always.
   */
  onModuleInit(): void {
    this.families.readAlong({
      field: 'referrals',
      sql: (familyId, shown) => this.repo.familyReferralsJson(familyId, shown.has('events')),
      keep: (familyId, json, shown, loaders) => {
        if (shown.has('events')) {
          const rows = this.repo.familyReferralsFromJson(json, true);
          referralsWithEventsByFamilyLoader(loaders, this.repo).prime(familyId, rows);
        } else {
          referralsByFamilyLoader(loaders, this.repo).prime(
            familyId,
            this.repo.familyReferralsFromJson(json, false),
          );
        }
      },
    });
  }

  // ---------- queries ----------

  async referral(actor: Actor, id: string): Promise<ReferralType> {
    const denied = (code: 'board' | 'hidden') =>
      // A refused read is audited outside the rolled-back transaction.
      this.audit
        .record(undefined, actor, {
          action: 'referral.read.denied',
          entityType: 'Referral',
          entityId: isId(id) ? id : null,
        })
        .then(() => {
          throw code === 'board' ? ReferralErrors.boardMember() : ReferralErrors.notFound();
        });
    if (!mayUseFamilies(actor)) return denied('board');
    const found = await this.db.transaction(async (m) => {
      const { referral, family } = (await this.repo.findWithFamily(id, m)) ?? {};
      if (!referral || !family || !maySeeReferral(actor, referral, family)) return null;
      await this.audit.record(m, actor, {
        action: 'referral.read',
        entityType: 'Referral',
        entityId: referral.id,
        details: { familyId: referral.familyId },
      });
      return referral;
    });
    return found ?? denied('hidden');
  }

  /**
   * Agency staff: always their own agency's sent referrals, whatever the filter says.
   * Lead professionals: referrals of families they lead and ones they made. Admins: all.
   * Order (the inbox): urgent first, oldest receipt first, drafts last.
   */
  async referrals(
    actor: Actor,
    args: { first?: number | null; after?: string | null; filter?: ReferralFilter | null },
    view: { loaders: RequestLoaders; shown: ShownFields },
  ) {
    if (!mayUseFamilies(actor)) throw ReferralErrors.boardMember();
    const size = pageSize(args.first);
    const cursor = decodeCursor(args.after, 3);
    if (
      cursor &&
      (typeof cursor[0] !== 'number' ||
        typeof cursor[1] !== 'string' ||
        !/^[0-9 :.+-]{10,40}$|^infinity$/.test(cursor[1]) ||
        !isId(cursor[2]))
    ) {
      throw badInput('after is not a valid cursor');
    }
    const filter = args.filter ?? {};
    // Ids that cannot name a record match nothing.
    for (const id of [filter.agencyId, filter.serviceId, filter.familyId]) {
      if (id !== null && id !== undefined && !isId(id)) return emptyConnection<ReferralType>();
    }
    const { rows, total } = await this.repo.page(
      this.listScope(actor),
      {
        agencyId: filter.agencyId ?? null,
        serviceId: filter.serviceId ?? null,
        familyId: filter.familyId ?? null,
        status: filter.status?.length ? [...new Set(filter.status)] : null,
      },
      cursor as ReferralCursor | null,
      size,
      // A page that shows families or children reads them with the page, not in statements of their own.
      { family: view.shown.fields.has('family'), children: view.shown.fields.has('children') },
    );
    this.keepPageRows(rows, view.loaders);
    const connection = toConnection(
      rows,
      size,
      total,
      (r) => encodeCursor(r.cursor),
      (r) => r.referral,
    );
    await this.resolveShownRelations(actor, connection.nodes, view.shown, view.loaders);
    return connection;
  }

  /**
   * The relations a list shows, resolved here for every referral by the same calls (and access
   * checks) as their field resolvers, so that each referral completes without a resolver call per
   * relation (withResolvedFields); `shown.events` names the fields shown of each event. A relation
   * that fails is left to its field resolver, which reports the error on that row as it always did.
   */
  private async resolveShownRelations(
    actor: Actor,
    referrals: readonly ReferralType[],
    shown: ShownFields,
    loaders: RequestLoaders,
  ): Promise<void> {
    await resolveShownOfEach(referrals, shown.fields, {
      family: (referral) => this.familyOf(actor, referral, loaders),
      children: (referral) => this.children(referral, loaders),
      service: (referral) => this.serviceOf(referral, loaders),
      agency: (referral) => this.agencyOf(referral, loaders),
      events: async (referral) => {
        const events = await this.events(actor, referral, loaders);
        await resolveShownOfEach(events, shown.events, {
          actor: (event) => this.eventActor(actor, event, loaders),
        });
        return events;
      },
    });
  }

  /**
   * Hands the family rows and children read with a page to the request's loaders, where the
   * `family` and `children` fields find them (and still check access as for any other read).
   */
  private keepPageRows(rows: ReferralPageRow[], loaders: RequestLoaders): void {
    const families = rows.flatMap((r) => (r.familyRow ? [r.familyRow] : []));
    if (families.length) this.families.keepFamilyRows(families, loaders);
    const children = referralChildrenLoader(loaders, this.repo);
    for (const row of rows) if (row.children) children.prime(row.referral.id, row.children);
  }

  private listScope(actor: Actor): ReferralListScope {
    if (actor.roles.has(Role.ADMIN)) return { kind: 'ALL' };
    if (actor.roles.has(Role.AGENCY_STAFF)) {
      return actor.agencyId ? { kind: 'AGENCY', agencyId: actor.agencyId } : { kind: 'NONE' };
    }
    if (actor.roles.has(Role.LEAD_PROFESSIONAL)) return { kind: 'LEAD', userId: actor.id };
    return { kind: 'NONE' };
  }

  // ---------- field data (the parent was handed out after an access check) ----------

  /** The referral's family: FULL for its lead professional and admins, LIMITED for everyone else who sees the referral. */
  async familyOf(actor: Actor, referral: ReferralType, loaders: RequestLoaders): Promise<FamilyType> {
    const family = await this.families.familyOfRecord(actor, referral.familyId, loaders);
    if (!family) throw ReferralErrors.notFound();
    return family;
  }

  children(referral: ReferralType, loaders: RequestLoaders) {
    return referralChildrenLoader(loaders, this.repo).load(referral.id);
  }

  serviceOf(referral: ReferralType, loaders: RequestLoaders) {
    return this.directory.service(referral.serviceId, loaders);
  }

  agencyOf(referral: ReferralType, loaders: RequestLoaders) {
    return this.directory.agency(referral.agencyId, loaders);
  }

  eventActor(actor: Actor, event: ReferralEventType, loaders: RequestLoaders) {
    return this.users.userForDisplay(actor, event.actorId, loaders);
  }

  events(actor: Actor, referral: ReferralType, loaders: RequestLoaders) {
    const keepActors = (actors: UserProfile[]) => this.users.keepForDisplay(actor, actors, loaders);
    return referralEventsLoader(loaders, this.repo, keepActors).load(referral.id);
  }

  waitingDays(referral: ReferralType): number | null {
    return waitingDays(referral, new Date(), this.config.reportingTimeZone);
  }

  /** Family.referrals, filtered by the access level stamped on the family. */
  async familyReferrals(
    actor: Actor,
    family: FamilyType,
    loaders: RequestLoaders,
    shown: ShownFields,
  ): Promise<ReferralType[]> {
    let visible: ReferralType[];
    if (shown.fields.has('events')) {
      // The events come with the referrals; the events loader is primed with those of visible ones only.
      const all = await referralsWithEventsByFamilyLoader(loaders, this.repo).load(family.id);
      const shownRows = all.filter((r) => visibleThroughFamily(actor, family.access, r.referral));
      this.keepEvents(actor, shownRows, loaders);
      visible = shownRows.map((r) => r.referral);
    } else {
      const all = await referralsByFamilyLoader(loaders, this.repo).load(family.id);
      visible = all.filter((r) => visibleThroughFamily(actor, family.access, r));
    }
    await this.resolveShownRelations(actor, visible, shown, loaders);
    return visible;
  }

  /** Hands events read along with their referrals to the events loader, and their actors to the users loader. */
  private keepEvents(actor: Actor, rows: readonly ReferralWithEvents[], loaders: RequestLoaders): void {
    const keepActors = (actors: UserProfile[]) => this.users.keepForDisplay(actor, actors, loaders);
    const events = referralEventsLoader(loaders, this.repo, keepActors);
    for (const row of rows) events.prime(row.referral.id, row.events);
    keepActors(rows.flatMap((r) => r.actors));
  }

  /** SupportPackage.referrals: packages are shown only to callers with FULL access to the family. */
  packageReferrals(packageId: string, loaders: RequestLoaders): Promise<ReferralType[]> {
    return referralsByPackageLoader(loaders, this.repo).load(packageId);
  }

  // ---------- creation ----------

  async createReferral(actor: Actor, input: CreateReferralInput): Promise<ReferralType> {
    if (!mayUseFamilies(actor)) throw ReferralErrors.boardMember();
    const request = normaliseRequest(input);
    // Without an idempotency key a creation is one read and one INSERT statement (the referral,
    // its children, its first event and its audit row), so it needs no transaction of its own: a
    // transaction at READ COMMITTED would not hold the facts read still either.
    if (!input.idempotencyKey) return this.create(this.db.manager, actor, input, request);
    const hash = requestHash({ familyId: input.familyId, ...request });
    return this.db.transaction(async (m) => {
      const id = newId();
      const replayed = await this.replayOf(
        m,
        actor,
        'createReferral',
        input.idempotencyKey,
        hash,
        id,
        (first) => this.repo.findById(first, m),
      );
      return replayed ?? this.create(m, actor, input, request, id);
    });
  }

  private async create(
    m: EntityManager,
    actor: Actor,
    input: CreateReferralInput,
    request: ReferralRequest,
    id = newId(),
  ): Promise<ReferralType> {
    // The family row and the creation facts in one statement; the facts are looked at only
    // once the caller has passed the family's lead-work check.
    const read = await this.repo.familyAndCreationFacts(
      m,
      input.familyId,
      request.serviceId,
      request.childIds,
    );
    const family = await this.families.leadWorkOn(actor, read.family, m);
    const now = new Date();
    // The input as given: error details point at positions in the caller's childIds.
    const onDate = dateInZone(now, this.config.reportingTimeZone);
    const prepared = await this.prepare(m, family, input, onDate, read.facts);
    return this.insertPrepared(m, actor, family, prepared, { id, packageId: null, createdAt: now });
  }

  /**
   * With an idempotency key, inside the creating transaction: the first request's result when this
   * is a retry (read with `find`), or null when this request goes on creating `resultId`.
   */
  async replayOf<T>(
    m: EntityManager,
    actor: Actor,
    operation: string,
    key: string | null | undefined,
    hash: string,
    resultId: string,
    find: (firstId: string) => Promise<T | null>,
  ): Promise<T | null> {
    if (!key) return null;
    const first = await this.claimKey(m, actor, operation, key, hash, resultId);
    if (!first) return null;
    const existing = await find(first);
    if (!existing) throw ReferralErrors.idempotencyMismatch();
    return existing;
  }

  /**
   * Takes an idempotency key inside the creating transaction. Returns null when this request owns
   * the key (go on creating `resultId`), or the id the first request created. A concurrent retry
   * waits on the key until the first transaction commits (then gets its result) or rolls back
   * (then takes the key itself).
   */
  private async claimKey(
    m: EntityManager,
    actor: Actor,
    operation: string,
    key: string,
    hash: string,
    resultId: string,
  ): Promise<string | null> {
    const ref = { userId: actor.id, operation, key };
    if (await this.repo.claimIdempotencyKey(m, { ...ref, requestHash: hash, resultId })) return null;
    const existing = await this.repo.idempotencyKey(m, ref);
    if (!existing) throw conflict('A concurrent request with this idempotencyKey failed; try again');
    if (existing.requestHash !== hash) throw ReferralErrors.idempotencyMismatch();
    return existing.resultId;
  }

  /** The creation checks, against the calendar date `onDate`: children of the family, service eligibility. */
  async prepare(
    m: EntityManager,
    family: FamilyEntity,
    request: ReferralRequest,
    onDate: string,
    facts?: CreationFacts,
  ): Promise<PreparedReferral> {
    const norm = normaliseRequest(request);
    if (!norm.reason) throw ReferralErrors.textRequired('reason');
    if (norm.reason.length > MAX_REASON_LENGTH) throw ReferralErrors.textTooLong('reason', MAX_REASON_LENGTH);
    if (norm.childIds.length > MAX_CHILDREN_PER_REFERRAL) throw ReferralErrors.tooManyChildren();
    const { service, members } = facts ?? (await this.repo.creationFacts(m, norm.serviceId, norm.childIds));
    if (!service) throw ReferralErrors.serviceMissing();
    const childIds = request.childIds.filter((id, i, all) => all.indexOf(id) === i);
    const problem = childrenProblem(family.id, childIds, members);
    if (problem === 'NONE_NAMED') throw ReferralErrors.noChildren();
    if (problem) throw ReferralErrors.notChildrenOfFamily();
    const byId = new Map(members.map((c) => [c.id, c]));
    const eligibility = eligibilityProblem(
      service,
      family.areaId,
      childIds.map((id) => byId.get(id)!),
      onDate,
    );
    if (eligibility) {
      throw ReferralErrors.notEligible(
        eligibility.rule === 'AGE'
          ? { ...eligibility, childIndex: request.childIds.indexOf(childIds[eligibility.childIndex]) }
          : eligibility,
      );
    }
    return {
      service,
      childIds,
      reason: norm.reason,
      urgency: norm.urgency,
      shareWithoutConsentReason: norm.shareWithoutConsentReason ?? null,
    };
  }

  /** Inserts a checked referral as a DRAFT with its children, its first event and an audit row. */
  async insertPrepared(
    m: EntityManager,
    actor: Actor,
    family: FamilyEntity,
    prepared: PreparedReferral,
    ids: { id: string; packageId: string | null; createdAt: Date },
  ): Promise<ReferralType> {
    const serviceId = prepared.service.id;
    // The receiving agency is fixed when the referral is made.
    const agencyId = prepared.service.agencyId;
    const referral = await this.repo.insertReferral(
      m,
      {
        id: ids.id,
        familyId: family.id,
        serviceId,
        agencyId,
        referredById: actor.id,
        packageId: ids.packageId,
        reason: prepared.reason,
        urgency: prepared.urgency,
        sharedWithoutConsentReason: prepared.shareWithoutConsentReason,
        createdAt: ids.createdAt,
        childIds: prepared.childIds,
      },
      this.audit.along(actor, {
        action: 'referral.create',
        entityType: 'Referral',
        entityId: ids.id,
        details: {
          familyId: family.id,
          serviceId,
          agencyId,
          packageId: ids.packageId,
          sharedWithoutConsent: prepared.shareWithoutConsentReason !== null,
        },
      }),
    );
    return referral;
  }

  // ---------- transitions ----------

  async transition(
    actor: Actor,
    action: ReferralAction,
    id: string,
    opts: { expectedVersion?: number | null; occurredAt?: Date | null; note?: string | null } = {},
  ): Promise<ReferralType> {
    if (!mayUseFamilies(actor)) throw ReferralErrors.boardMember();
    const rule = TRANSITIONS[action];
    const note = rule.note ? this.cleanNote(NOTE_FIELDS[action], opts.note) : null;
    const now = new Date();
    const at = opts.occurredAt ?? now;
    assertNotInFuture(at, 'occurredAt', now);
    const expectedVersion = opts.expectedVersion ?? null;
    if (!isId(id)) throw ReferralErrors.notFound();
    const args = { actor, action, rule, id, at, note, expectedVersion };
    if (action !== 'send') return this.transitionIn(this.db.manager, args);
    // A send holds the family's consent rows, from the read of its facts until it commits, so that
    // a withdrawal is either seen by the send or waits for it; its safeguarding-exception audit row
    // commits with it too.
    return this.db.transaction((tx) => this.transitionIn(tx, args));
  }

  /**
   * One read, then one conditional UPDATE that writes the event and the audit row with the change:
   * the UPDATE matches only the row as read, so no transaction is needed around the two (a send
   * brings its own, for the consent lock).
   */
  private async transitionIn(
    m: EntityManager,
    args: {
      actor: Actor;
      action: ReferralAction;
      rule: TransitionRule;
      id: string;
      at: Date;
      note: string | null;
      expectedVersion: number | null;
    },
  ): Promise<ReferralType> {
    const { actor, action, rule, id, at, note, expectedVersion } = args;
    // A send reads its rule facts with the referral; they are looked at only after the access checks.
    const found = await this.repo.findWithFamily(id, m, { sendFacts: action === 'send' });
    const { referral: current, family, sendFacts } = found ?? {};
    if (!current || !family || !maySeeReferral(actor, current, family)) throw ReferralErrors.notFound();
    if (!mayAct(actor, rule.side, current, family)) {
      throw rule.side === 'AGENCY' ? ReferralErrors.notReceivingAgency() : ReferralErrors.notReferringSide();
    }
    this.assertApplicable(rule, current, expectedVersion, at);
    if (action === 'send') {
      const exception = await this.checkSendRules(m, actor, current, family, at, sendFacts);
      // The safeguarding exception is on record with the send, or not at all (same transaction).
      if (exception) await this.audit.record(m, actor, exception);
    }
    return this.apply(m, actor, rule, current, at, note, expectedVersion);
  }

  /**
   * Sends a draft inside the caller's transaction (support packages): the same send-time checks
   * and the same conditional UPDATE as sendReferral.
   */
  async sendWithin(
    m: EntityManager,
    actor: Actor,
    referral: ReferralType,
    family: FamilyEntity,
    at: Date,
  ): Promise<ReferralType> {
    const rule = TRANSITIONS.send;
    this.assertApplicable(rule, referral, null, at);
    const exception = await this.checkSendRules(m, actor, referral, family, at);
    if (exception) await this.audit.record(m, actor, exception);
    return this.apply(m, actor, rule, referral, at, null, null);
  }

  /** CONFLICT for a wrong status or a stale version (naming the current status), BAD_USER_INPUT for a stamp out of order. */
  private assertApplicable(
    rule: TransitionRule,
    current: ReferralType,
    expectedVersion: number | null,
    at: Date,
  ): void {
    if (!rule.from.includes(current.status)) throw ReferralErrors.wrongStatus(current.status, rule.action);
    if (expectedVersion !== null && expectedVersion !== current.version) {
      throw ReferralErrors.staleVersion(current.status, current.version);
    }
    if (!stampInOrder(current, at)) throw ReferralErrors.stampOutOfOrder(latestStamp(current)!.column);
  }

  private async apply(
    m: EntityManager,
    actor: Actor,
    rule: TransitionRule,
    before: ReferralType,
    at: Date,
    note: string | null,
    expectedVersion: number | null,
  ): Promise<ReferralType> {
    const updated = await this.repo.applyTransition(
      m,
      before.id,
      rule,
      // Always at the version read: the checks above were made on that row.
      { at, note, version: before.version, actorId: actor.id },
      this.audit.along(actor, {
        action: `referral.${rule.action}`,
        entityType: 'Referral',
        entityId: before.id,
        // The UPDATE matches only the row as read, so these describe the change it makes.
        details: { familyId: before.familyId, from: before.status, to: rule.to, version: before.version + 1 },
      }),
    );
    if (!updated) {
      // Another transaction changed the referral after our read: say which condition now fails.
      const now = await this.repo.findById(before.id, m);
      if (!now) throw ReferralErrors.notFound();
      this.assertApplicable(rule, now, expectedVersion, at);
      throw conflict(`The referral changed meanwhile (now ${now.status}); reload and try again`);
    }
    return updated;
  }

  /**
   * Eligibility on the send date and consent at the send time (or the recorded safeguarding
   * exception). Returns the audit entry the send must write with it when it relies on that exception.
   */
  private async checkSendRules(
    m: EntityManager,
    actor: Actor,
    referral: ReferralType,
    family: FamilyEntity,
    at: Date,
    facts?: SendFacts,
  ): Promise<AuditInput | null> {
    const { service, children, consents } = facts ?? (await this.repo.sendFacts(m, referral));
    if (!service) throw ReferralErrors.serviceMissing();
    const eligibility = eligibilityProblem(
      service,
      family.areaId,
      children,
      dateInZone(at, this.config.reportingTimeZone),
    );
    if (eligibility) throw ReferralErrors.notEligible(eligibility);
    if (consentCovers(consents, referral.agencyId, at)) return null;
    if (!referral.sharedWithoutConsent) throw ReferralErrors.consentRequired();
    // The safeguarding exception is a decision that must be on record (the reason stays on the referral).
    return {
      action: 'referral.share_without_consent',
      entityType: 'Referral',
      entityId: referral.id,
      details: { familyId: family.id, agencyId: referral.agencyId },
    };
  }

  private cleanNote(field: string, value: string | null | undefined): string {
    const text = (value ?? '').trim();
    if (!text) throw ReferralErrors.textRequired(field);
    if (text.length > MAX_REASON_LENGTH) throw ReferralErrors.textTooLong(field, MAX_REASON_LENGTH);
    return text;
  }
}

/** Wraps a rule failure of one support-package item so the error names the item (index and service). */
export function itemError(error: unknown, index: number, serviceId: string): unknown {
  if (!(error instanceof DomainError)) return error;
  const known = [ErrorCode.BAD_USER_INPUT, ErrorCode.NOT_ELIGIBLE, ErrorCode.CONSENT_REQUIRED];
  if (!known.includes(error.code)) return error;
  // Only a well-formed id is repeated back; anything else could be arbitrary input.
  const service = isId(serviceId) ? serviceId : 'unknown';
  return new DomainError(error.code, `items[${index}] (service ${service}): ${error.message}`, {
    ...(error.details ?? {}),
    itemIndex: index,
    serviceId: service,
  });
}
