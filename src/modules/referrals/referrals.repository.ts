import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { UserProfile } from '../../common/actor.js';
import type { ReferralStatus, Urgency } from '../../common/enums.js';
import { isId, newId } from '../../common/ids.js';
import { keysetPage, SqlParams } from '../../database/keyset-page.js';
import { columnList, rowsFromJson } from '../../database/plain-rows.js';
import { prepared } from '../../database/prepared-statements.js';
import type { AuditAlong } from '../audit/audit.service.js';
import { ConsentEntity } from '../families/consent.entity.js';
import { FamilyEntity } from '../families/family.entity.js';
import { toUserProfile, userProfileColumns } from '../users/user-profile.js';
import type { ReferralEventType, ReferralType } from './dto/referral.types.js';
import type { ConsentFacts, MemberFacts, ServiceFacts, TransitionRule } from './referrals.rules.js';

type Raw = Record<string, unknown>;

const toReferral = (r: Raw): ReferralType => ({
  id: r.id as string,
  reference: r.reference as string,
  familyId: r.family_id as string,
  serviceId: r.service_id as string,
  agencyId: r.agency_id as string,
  referredById: r.referred_by_id as string,
  packageId: (r.package_id as string | null) ?? null,
  reason: r.reason as string,
  urgency: r.urgency as Urgency,
  status: r.status as ReferralStatus,
  version: Number(r.version),
  sharedWithoutConsent: r.shared_without_consent as boolean,
  sharedWithoutConsentReason: (r.share_without_consent_reason as string | null) ?? null,
  createdAt: r.created_at as Date,
  receivedAt: (r.received_at as Date | null) ?? null,
  decidedAt: (r.decided_at as Date | null) ?? null,
  declineReason: (r.decline_reason as string | null) ?? null,
  startedAt: (r.started_at as Date | null) ?? null,
  closedAt: (r.closed_at as Date | null) ?? null,
  outcome: (r.outcome as string | null) ?? null,
  withdrawReason: (r.withdraw_reason as string | null) ?? null,
});

/** The columns toReferral reads, for statements that name their result columns (prepared ones). */
const REFERRAL_COLUMNS = [
  'id',
  'reference',
  'family_id',
  'service_id',
  'agency_id',
  'referred_by_id',
  'package_id',
  'reason',
  'urgency',
  'status',
  'version',
  'shared_without_consent',
  'share_without_consent_reason',
  'created_at',
  'received_at',
  'decided_at',
  'decline_reason',
  'started_at',
  'closed_at',
  'outcome',
  'withdraw_reason',
] as const;

/** REFERRAL_COLUMNS of the table alias `t`. */
const referralColumns = (t: string) => REFERRAL_COLUMNS.map((c) => `${t}.${c}`).join(', ');

const toEvent = (r: Raw): ReferralEventType => ({
  id: r.id as string,
  referralId: r.referral_id as string,
  status: r.status as ReferralStatus,
  at: r.at as Date,
  actorId: r.actor_id as string,
  note: (r.note as string | null) ?? null,
});

/** Events read with `userProfileColumns(…, 'actor.')`, and their distinct actors. */
function eventsWithActors(rows: Raw[]): { events: ReferralEventType[]; actors: UserProfile[] } {
  const actors = new Map<string, UserProfile>();
  for (const r of rows) {
    const actor = toUserProfile(r, 'actor.');
    if (actor) actors.set(actor.id, actor);
  }
  return { events: rows.map(toEvent), actors: [...actors.values()] };
}

/** The timestamp columns of a referral row that toReferral reads. */
const REFERRAL_TIMES = ['created_at', 'received_at', 'decided_at', 'started_at', 'closed_at'] as const;

/** Referrals in the order they were made (references break ties), over the table alias `t`. */
const FAMILY_ORDER = (t: string) => `${t}.created_at, length(${t}.reference), ${t}.reference`;

/** The events of referral `r` with their actors' display rows, as JSON (see withEventsFromRow). */
const EVENTS_JSON = `(SELECT coalesce(json_agg(x ORDER BY x.at, x.status, x.id), '[]'::json)
                        FROM (SELECT e.*, ${userProfileColumns('u', 'actor.')}
                                FROM referral_events e LEFT JOIN users u ON u.id = e.actor_id
                               WHERE e.referral_id = r.id) x)`;

/** A referral row with its EVENTS_JSON column (`events_json`). */
function withEventsFromRow(r: Raw): ReferralWithEvents {
  // JSON carries timestamps as text; converted in place (the rows are this function's own).
  const eventRows = r.events_json as Raw[];
  for (const e of eventRows) {
    e.at = new Date(e.at as string);
    if (e['actor.createdAt'] != null) e['actor.createdAt'] = new Date(e['actor.createdAt'] as string);
  }
  return { referral: toReferral(r), ...eventsWithActors(eventRows) };
}

/** What the creation rules are checked on: the service (null when there is none) and the named members. */
export interface CreationFacts {
  service: ServiceRow | null;
  members: MemberFacts[];
}

/** What the send-time rules are checked on. */
export interface SendFacts {
  service: ServiceRow | null;
  children: MemberFacts[];
  consents: ConsentFacts[];
}

const toCreationFacts = (row: Raw): CreationFacts => ({
  service: row.service as ServiceRow | null,
  members: row.members as MemberFacts[],
});

/** A referral with its events and their actors (a family page). */
export interface ReferralWithEvents {
  referral: ReferralType;
  events: ReferralEventType[];
  actors: UserProfile[];
}

export interface ServiceRow extends ServiceFacts {
  id: string;
  agencyId: string;
}

export interface ChildRow extends MemberFacts {
  referralId: string;
  givenName: string;
  familyName: string;
}

/** Who is listing, reduced to what the visibility predicate needs. */
export type ReferralListScope =
  | { kind: 'ALL' }
  | { kind: 'AGENCY'; agencyId: string }
  | { kind: 'LEAD'; userId: string }
  | { kind: 'NONE' };

export interface ReferralListFilter {
  agencyId: string | null;
  serviceId: string | null;
  familyId: string | null;
  status: ReferralStatus[] | null;
}

/** Keyset of the inbox order: urgent first, oldest receipt first (drafts last), then id. */
export type ReferralCursor = [number, string, string];

/** What a page of referrals reads along with each row. */
export interface ReferralPageIncludes {
  family: boolean;
  children: boolean;
}

/** A row of a page: the referral, its place in the order and what the page read along with it. */
export interface ReferralPageRow {
  referral: ReferralType;
  cursor: ReferralCursor;
  /** With `include.family`. */
  familyRow?: FamilyEntity | null;
  /** With `include.children`. */
  children?: ChildRow[];
}

/** A member's MemberFacts columns (`fm` family_members). */
const MEMBER_FACT_COLUMNS = `fm.id AS "id", fm.family_id AS "familyId", fm.role AS "role",
  fm.date_of_birth::text AS "dateOfBirth"`;

/** A referral's children as ChildRow columns (`rc` referral_children, `fm` family_members). */
const CHILD_COLUMNS = `rc.referral_id AS "referralId", ${MEMBER_FACT_COLUMNS},
  fm.given_name AS "givenName", fm.family_name AS "familyName"`;

const REFERRAL_CHILDREN = 'referral_children rc JOIN family_members fm ON fm.id = rc.member_id';

/** Family members (`fm` in `from`) as a JSON array of `columns`, in family order, as a scalar subquery. */
const membersJson = (columns: string, from: string, where: string) => `(
  SELECT coalesce(json_agg(x ORDER BY x.seq), '[]'::json)
    FROM (SELECT ${columns}, fm.seq FROM ${from} WHERE ${where}) x)`;

// The facts the referral rules are checked on, as JSON subqueries, so one statement can bring several.
const serviceFacts = (id: string) => `(
  SELECT json_build_object('id', s.id, 'agencyId', s.agency_id, 'acceptingReferrals', s.accepting_referrals,
                           'minAgeYears', s.min_age_years, 'maxAgeYears', s.max_age_years,
                           'areaIds', ARRAY(SELECT sa.area_id::text FROM service_areas sa WHERE sa.service_id = s.id))
    FROM services s WHERE s.id = ${id}::uuid)`;

/**
 * The family's consents, read and held (FOR SHARE) until the transaction ends: a withdrawal that
 * committed first is seen, one under way is waited for and then read as committed (PostgreSQL
 * reads a locked row's latest version), and one that comes later waits for the transaction.
 */
const heldConsentFacts = (familyId: string) => `(
  SELECT coalesce(json_agg(json_build_object('givenAt', c.given_at, 'expiresAt', c.expires_at,
                                             'withdrawnAt', c.withdrawn_at, 'scope', c.scope,
                                             'agencyIds', ARRAY(SELECT ca.agency_id::text FROM consent_agencies ca
                                                                 WHERE ca.consent_id = c.id))), '[]'::json)
    FROM (SELECT c.* FROM consents c WHERE c.family_id = ${familyId}::uuid FOR SHARE OF c) c)`;

/** Every SQL statement of the referrals module. Reads inside a transaction take its EntityManager. */
@Injectable()
export class ReferralsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  private q(m?: EntityManager) {
    return m ?? this.db.manager;
  }

  async findById(id: string, m?: EntityManager): Promise<ReferralType | null> {
    if (!isId(id)) return null;
    const rows: Raw[] = await this.q(m).query('SELECT * FROM referrals WHERE id = $1', [id]);
    return rows.length ? toReferral(rows[0]) : null;
  }

  /**
   * The referral with its family's row, in one read: every access check needs both. With
   * `sendFacts`, also what the send rules need (the service, the referral's children, the
   * family's consents, held until the transaction ends), in the same statement.
   */
  async findWithFamily(
    id: string,
    m: EntityManager,
    options: { sendFacts?: boolean } = {},
  ): Promise<{ referral: ReferralType; family: FamilyEntity | null; sendFacts?: SendFacts } | null> {
    if (!isId(id)) return null;
    const facts = options.sendFacts ? `, ${this.sendFactColumns('r.id', 'r.service_id', 'r.family_id')}` : '';
    const rows: Raw[] = await m.query(
      prepared(
        `SELECT ${referralColumns('r')}, ${this.familyRowOf('r')} AS family_row${facts} FROM referrals r WHERE r.id = $1`,
      ),
      [id],
    );
    if (!rows.length) return null;
    return {
      referral: toReferral(rows[0]),
      family: this.toFamilyRow(rows[0].family_row),
      ...(options.sendFacts && { sendFacts: this.toSendFacts(rows[0]) }),
    };
  }

  private toFamilyRow(json: unknown): FamilyEntity | null {
    return json ? rowsFromJson<FamilyEntity>(this.db, FamilyEntity, [json])[0] : null;
  }

  /** The family row of referral `r` as JSON, shaped as the families module reads it. */
  private familyRowOf(r: string): string {
    return this.familyRowJson(`${r}.family_id`);
  }

  /** The row of the family whose id is the SQL expression `id`, as JSON. */
  private familyRowJson(id: string): string {
    return `(SELECT to_json(f) FROM (SELECT ${columnList(this.db, FamilyEntity)} FROM families t
                                       WHERE t.id = ${id}) f)`;
  }

  /**
   * Inserts a DRAFT with its children, its first event and the audit row, in one statement (data
   * modifying CTEs; the foreign keys are checked at the end of the statement).
   */
  async insertReferral(
    m: EntityManager,
    fields: {
      id: string;
      familyId: string;
      serviceId: string;
      agencyId: string;
      referredById: string;
      packageId: string | null;
      reason: string;
      urgency: Urgency;
      sharedWithoutConsentReason: string | null;
      createdAt: Date;
      childIds: string[];
    },
    audit: AuditAlong,
  ): Promise<ReferralType> {
    const p = new SqlParams();
    const shareReason = p.add(fields.sharedWithoutConsentReason);
    const rows: Raw[] = await m.query(
      prepared(
        `WITH r AS (
         INSERT INTO referrals (id, reference, family_id, service_id, agency_id, referred_by_id, package_id,
                                reason, urgency, shared_without_consent, share_without_consent_reason, created_at)
         VALUES (${p.add(fields.id)}, next_reference('REF', 'referral_reference_seq'), ${p.add(fields.familyId)},
                 ${p.add(fields.serviceId)}, ${p.add(fields.agencyId)}, ${p.add(fields.referredById)},
                 ${p.add(fields.packageId)}, ${p.add(fields.reason)}, ${p.add(fields.urgency)}::urgency,
                 ${shareReason}::text IS NOT NULL, ${shareReason},
                 ${p.add(fields.createdAt)})
         RETURNING *),
       children AS (
         INSERT INTO referral_children (referral_id, member_id) SELECT r.id, unnest(${p.add(fields.childIds)}::uuid[]) FROM r),
       event AS (
         INSERT INTO referral_events (id, referral_id, status, at, actor_id, note)
         SELECT ${p.add(newId())}::uuid, r.id, r.status, r.created_at, ${p.add(fields.referredById)}, NULL FROM r),
       audit AS (${audit(p, 'r')})
       SELECT ${referralColumns('r')} FROM r`,
      ),
      p.values,
    );
    return toReferral(rows[0]);
  }

  /**
   * One transition as one conditional UPDATE: only from an allowed status, only at the version
   * the caller read, and only if the new stamp does not precede any stamp already set.
   * The same statement writes the referral's event and the audit row when the UPDATE matched.
   * Null when no row matched (the caller re-reads to tell which condition failed).
   */
  async applyTransition(
    m: EntityManager,
    id: string,
    rule: TransitionRule,
    change: { at: Date; note: string | null; version: number; actorId: string },
    audit: AuditAlong,
  ): Promise<ReferralType | null> {
    const p = new SqlParams();
    const at = p.add(change.at);
    // Column names come from the fixed transition table, never from input.
    const noteSet = rule.note ? `, ${rule.note} = ${p.add(change.note)}` : '';
    const rows: Raw[] = await m.query(
      prepared(
        `WITH u AS (
         UPDATE referrals
            SET status = ${p.add(rule.to)}::referral_status, version = version + 1, ${rule.stamp} = ${at}::timestamptz${noteSet}
          WHERE id = ${p.add(id)}
            AND status = ANY(${p.add([...rule.from])}::referral_status[])
            AND version = ${p.add(change.version)}::int
            AND COALESCE(GREATEST(received_at, decided_at, started_at, closed_at), '-infinity') <= ${at}::timestamptz
         RETURNING *),
       event AS (
         INSERT INTO referral_events (id, referral_id, status, at, actor_id, note)
         SELECT ${p.add(newId())}::uuid, u.id, u.status, ${at}::timestamptz, ${p.add(change.actorId)}, ${p.add(change.note)} FROM u),
       audit AS (${audit(p, 'u')})
       SELECT ${referralColumns('u')} FROM u`,
      ),
      p.values,
    );
    return rows.length === 1 ? toReferral(rows[0]) : null;
  }

  // ---------- listing ----------

  /**
   * One keyset page of referrals. `include` adds each row's family row and children, read in the
   * same statement, for a page that shows them.
   */
  async page(
    scope: ReferralListScope,
    filter: ReferralListFilter,
    after: ReferralCursor | null,
    limit: number,
    include: ReferralPageIncludes = { family: false, children: false },
  ): Promise<{ rows: ReferralPageRow[]; total: number }> {
    const params = new SqlParams();
    const where: string[] = [];
    switch (scope.kind) {
      case 'ALL':
        break;
      case 'AGENCY':
        where.push(`r.agency_id = ${params.add(scope.agencyId)}`, `r.status <> 'DRAFT'`);
        break;
      case 'LEAD': {
        const me = params.add(scope.userId);
        where.push(
          `(r.referred_by_id = ${me} OR r.family_id IN (SELECT f.id FROM families f WHERE f.lead_professional_id = ${me}))`,
        );
        break;
      }
      case 'NONE':
        where.push('false');
    }
    if (filter.agencyId) where.push(`r.agency_id = ${params.add(filter.agencyId)}`);
    if (filter.serviceId) where.push(`r.service_id = ${params.add(filter.serviceId)}`);
    if (filter.familyId) where.push(`r.family_id = ${params.add(filter.familyId)}`);
    const oneStatus = filter.status?.length === 1;
    if (oneStatus) {
      // An equality, unlike `= ANY`, lets an agency's page be an ordered scan of the inbox index.
      where.push(`r.status = ${params.add(filter.status![0])}::referral_status`);
    } else if (filter.status?.length) {
      where.push(`r.status = ANY(${params.add(filter.status)}::referral_status[])`);
    }
    // The sort keys, written exactly as in the inbox index (referrals_inbox_order_idx).
    const rank = `(CASE WHEN r.urgency = 'URGENT' THEN 0 ELSE 1 END)`;
    const at = `COALESCE(r.received_at, 'infinity'::timestamptz)`;
    const { rows, total } = await keysetPage<Raw>(this.db, {
      // The receipt time travels in the cursor as PostgreSQL text, which keeps its full precision.
      select: [
        `${referralColumns('r')}, ${rank} AS sort_rank, ${at}::text AS sort_at`,
        ...(include.family ? [`${this.familyRowOf('r')} AS family_row`] : []),
        ...(include.children ? [`${this.childrenOf('r')} AS children_rows`] : []),
      ].join(', '),
      from: 'referrals r',
      where,
      params,
      after: after
        ? (p) =>
            `(${rank}, ${at}, r.id) > (${p.add(after[0])}::int, ${p.add(after[1])}::timestamptz, ${p.add(after[2])}::uuid)`
        : null,
      orderBy: `${rank}, ${at}, r.id`,
      limit,
      // An agency's inbox of one status: the ordered scan of the inbox index is the best plan for
      // every agency, so PostgreSQL may plan it once per connection. Other pages are planned for
      // their values: a lead's or an admin's best plan depends on how many rows match.
      prepare: scope.kind === 'AGENCY' && oneStatus,
    });
    return {
      // No spread copies of the row: a page has 50 rows of some 20 fields each.
      rows: rows.map((r): ReferralPageRow => ({
        referral: toReferral(r),
        cursor: [Number(r.sort_rank), r.sort_at as string, r.id as string],
        familyRow: include.family ? this.toFamilyRow(r.family_row) : undefined,
        children: include.children ? (r.children_rows as ChildRow[]) : undefined,
      })),
      total,
    };
  }

  /** The children of referral `r` as a JSON array of ChildRow, in family order. */
  private childrenOf(r: string): string {
    return membersJson(CHILD_COLUMNS, REFERRAL_CHILDREN, `rc.referral_id = ${r}.id`);
  }

  // ---------- batched reads for DataLoaders ----------

  byFamilyIds(familyIds: readonly string[]): Promise<ReferralType[]> {
    return this.inCreationOrder('family_id', familyIds);
  }

  /**
   * A family page's referrals with their events and the events' actors, in one statement: each
   * referral brings its events as JSON, in timeline order, each event with its actor's display row.
   */
  async byFamilyIdsWithEvents(familyIds: readonly string[]): Promise<ReferralWithEvents[]> {
    const valid = familyIds.filter(isId);
    if (!valid.length) return [];
    const rows: Raw[] = await this.db.query(
      `SELECT r.*, ${EVENTS_JSON} AS events_json FROM referrals r WHERE r.family_id = ANY($1::uuid[])
        ORDER BY ${FAMILY_ORDER('r')}`,
      [valid],
    );
    return rows.map(withEventsFromRow);
  }

  /**
   * The referrals of the family whose id is the SQL expression `familyId`, in the order of
   * byFamilyIds, as one JSON array (a scalar subquery another statement can carry); with their
   * events and actors when `withEvents`. Read back with `familyReferralsFromJson`.
   */
  familyReferralsJson(familyId: string, withEvents: boolean): string {
    return `(SELECT coalesce(json_agg(x ORDER BY ${FAMILY_ORDER('x')}), '[]'::json)
               FROM (SELECT r.*${withEvents ? `, ${EVENTS_JSON} AS events_json` : ''}
                       FROM referrals r WHERE r.family_id = ${familyId}) x)`;
  }

  familyReferralsFromJson(json: unknown, withEvents: true): ReferralWithEvents[];
  familyReferralsFromJson(json: unknown, withEvents: false): ReferralType[];
  familyReferralsFromJson(json: unknown, withEvents: boolean): ReferralWithEvents[] | ReferralType[] {
    const rows = (json as Raw[]).map((r) => {
      // JSON carries timestamps as text, where pg gives Dates.
      for (const column of REFERRAL_TIMES) if (r[column] != null) r[column] = new Date(r[column] as string);
      return r;
    });
    return withEvents ? rows.map(withEventsFromRow) : rows.map(toReferral);
  }

  byPackageIds(packageIds: readonly string[]): Promise<ReferralType[]> {
    return this.inCreationOrder('package_id', packageIds);
  }

  /** Referrals whose `column` is one of `ids`, in the order they were made (references break ties). */
  private async inCreationOrder(
    column: 'family_id' | 'package_id',
    ids: readonly string[],
  ): Promise<ReferralType[]> {
    const valid = ids.filter(isId);
    if (!valid.length) return [];
    const rows: Raw[] = await this.db.query(
      `SELECT * FROM referrals r WHERE r.${column} = ANY($1::uuid[]) ORDER BY ${FAMILY_ORDER('r')}`,
      [valid],
    );
    return rows.map(toReferral);
  }

  async childrenByReferralIds(referralIds: readonly string[]): Promise<ChildRow[]> {
    if (!referralIds.length) return [];
    return this.db.query(
      `SELECT ${CHILD_COLUMNS}
         FROM ${REFERRAL_CHILDREN}
        WHERE rc.referral_id = ANY($1::uuid[])
        ORDER BY fm.seq`,
      [referralIds],
    );
  }

  /**
   * Oldest first; a back-dated send can sort before the draft's creation. Equal stamps (a package
   * creates and sends at one clock reading) follow the lifecycle: the enum is declared in that order
   * and a referral reaches each status at most once. Each event comes with the display row of its
   * actor, since a page that lists events names them.
   */
  async eventsByReferralIds(
    referralIds: readonly string[],
  ): Promise<{ events: ReferralEventType[]; actors: UserProfile[] }> {
    if (!referralIds.length) return { events: [], actors: [] };
    // The actors are looked up by primary key from the events' few distinct ids: a plain join lets
    // the planner hash the whole users table for a page's twenty events.
    const rows: Raw[] = await this.db.query(
      `WITH e AS MATERIALIZED (SELECT * FROM referral_events WHERE referral_id = ANY($1::uuid[])),
            u AS (SELECT * FROM users WHERE id = ANY(ARRAY(SELECT DISTINCT actor_id FROM e)))
       SELECT e.*, ${userProfileColumns('u', 'actor.')}
         FROM e LEFT JOIN u ON u.id = e.actor_id
        ORDER BY e.at, e.status, e.id`,
      [referralIds],
    );
    return eventsWithActors(rows);
  }

  // ---------- facts for the creation and send-time rules (inside the caller's transaction) ----------

  /**
   * What the creation rules need, in one statement: the service (null when there is none) and the
   * named members (whichever family they belong to; the rules check that).
   */
  async creationFacts(
    m: EntityManager,
    serviceId: string,
    memberIds: readonly string[],
  ): Promise<CreationFacts> {
    const p = new SqlParams();
    const [row]: Raw[] = await m.query(
      `SELECT ${this.creationFactColumns(p, serviceId, memberIds)}`,
      p.values,
    );
    return toCreationFacts(row);
  }

  /**
   * A creation's family row (null when there is none) with the creation facts, in one statement,
   * for the caller to check its access to the family before it looks at the facts.
   */
  async familyAndCreationFacts(
    m: EntityManager,
    familyId: string,
    serviceId: string,
    memberIds: readonly string[],
  ): Promise<{ family: FamilyEntity | null; facts: CreationFacts }> {
    const p = new SqlParams();
    const family = this.familyRowJson(`${p.add(isId(familyId) ? familyId : null)}::uuid`);
    const [row]: Raw[] = await m.query(
      prepared(`SELECT ${family} AS family_row, ${this.creationFactColumns(p, serviceId, memberIds)}`),
      p.values,
    );
    return { family: this.toFamilyRow(row.family_row), facts: toCreationFacts(row) };
  }

  private creationFactColumns(p: SqlParams, serviceId: string, memberIds: readonly string[]): string {
    return `${serviceFacts(p.add(isId(serviceId) ? serviceId : null))} AS service,
            ${membersJson(MEMBER_FACT_COLUMNS, 'family_members fm', `fm.id = ANY(${p.add(memberIds.filter(isId))}::uuid[])`)} AS members`;
  }

  /**
   * What the send rules need, in one statement: the service, the referral's children, the family's
   * consents (held until the transaction ends).
   */
  async sendFacts(
    m: EntityManager,
    referral: { id: string; serviceId: string; familyId: string },
  ): Promise<SendFacts> {
    const p = new SqlParams();
    const [row]: Raw[] = await m.query(
      `SELECT ${this.sendFactColumns(p.add(referral.id), p.add(referral.serviceId), p.add(referral.familyId))}`,
      p.values,
    );
    return this.toSendFacts(row);
  }

  /** The send facts as columns, for the referral, service and family the SQL expressions name. */
  private sendFactColumns(referralId: string, serviceId: string, familyId: string): string {
    return `${serviceFacts(serviceId)} AS service,
            ${membersJson(MEMBER_FACT_COLUMNS, REFERRAL_CHILDREN, `rc.referral_id = ${referralId}`)} AS children,
            ${heldConsentFacts(familyId)} AS consents`;
  }

  private toSendFacts(row: Raw): SendFacts {
    return {
      service: row.service as ServiceRow | null,
      children: row.children as MemberFacts[],
      consents: rowsFromJson<ConsentFacts>(this.db, ConsentEntity, row.consents),
    };
  }

  // ---------- idempotency keys ----------

  /**
   * Claims a retry key for this transaction. A concurrent claim of the same key waits here until
   * the first transaction ends; false when the key already belongs to a committed request.
   */
  async claimIdempotencyKey(
    m: EntityManager,
    key: { userId: string; operation: string; key: string; requestHash: string; resultId: string },
  ): Promise<boolean> {
    const rows: Raw[] = await m.query(
      `INSERT INTO idempotency_keys (user_id, operation, key, request_hash, result_id)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING result_id`,
      [key.userId, key.operation, key.key, key.requestHash, key.resultId],
    );
    return rows.length === 1;
  }

  async idempotencyKey(
    m: EntityManager,
    key: { userId: string; operation: string; key: string },
  ): Promise<{ requestHash: string; resultId: string } | null> {
    const rows: { request_hash: string; result_id: string }[] = await m.query(
      'SELECT request_hash, result_id FROM idempotency_keys WHERE user_id = $1 AND operation = $2 AND key = $3',
      [key.userId, key.operation, key.key],
    );
    return rows.length ? { requestHash: rows[0].request_hash, resultId: rows[0].result_id } : null;
  }
}
