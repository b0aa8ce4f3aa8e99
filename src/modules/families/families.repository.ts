import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isId } from '../../common/ids.js';
import { keysetPage, SqlParams } from '../../database/keyset-page.js';
import { columnList, jsonRows, rowsFromJson, rowsWhereIn } from '../../database/plain-rows.js';
import { prepared } from '../../database/prepared-statements.js';
import type { AuditCondition } from '../audit/audit.repository.js';
import type { AuditAlong } from '../audit/audit.service.js';
import type { ConsentScope, MemberRole } from '../../common/enums.js';
import { ConsentEntity } from './consent.entity.js';
import { FamilyMemberEntity } from './family-member.entity.js';
import { FamilyEntity } from './family.entity.js';
import { LeadProfessionalAssignmentEntity } from './lead-professional-assignment.entity.js';

/** Who is asking, reduced to what the visibility predicate needs. */
export interface VisibilityScope {
  all: boolean;
  leadProfessionalId: string | null;
  agencyId: string | null;
}

export interface FamilyListFilter {
  search: string | null;
  areaId: string | null;
}

/** What a family read can bring along in its own statement, for a page that shows it. */
export interface FamilyReadIncludes {
  members: boolean;
  consents: boolean;
}

export type ConsentRow = ConsentEntity & { agencyIds: string[] };

/**
 * Another module's list read along with a family: `sql` is a JSON scalar subquery for the family
 * whose id is the SQL expression it is given.
 */
export interface FamilyReadExtra {
  name: string;
  sql: (familyId: string) => string;
}

/** A family row and, when asked for, its members, consents and the extras' JSON by name. */
export interface FamilyRead {
  family: FamilyEntity;
  members?: FamilyMemberEntity[];
  consents?: ConsentRow[];
  extras: Record<string, unknown>;
}

/** The ids of the agencies a consent (`t`) names. */
const CONSENT_AGENCY_IDS = `ARRAY(SELECT ca.agency_id FROM consent_agencies ca WHERE ca.consent_id = t.id) AS "agencyIds"`;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class FamiliesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  findById(id: string, manager?: EntityManager): Promise<FamilyEntity | null> {
    if (!isId(id)) return Promise.resolve(null);
    return (manager ?? this.db.manager).getRepository(FamilyEntity).findOneBy({ id });
  }

  /** Holds while the family still has the lead professional a read's access was decided on. */
  stillLedBy(familyId: string, leadProfessionalId: string | null): AuditCondition {
    return (p) =>
      `SELECT 1 FROM families WHERE id = ${p.add(familyId)}::uuid
          AND lead_professional_id IS NOT DISTINCT FROM ${p.add(leadProfessionalId)}::uuid`;
  }

  /**
   * The family, with `audit` written by the same statement when `leadProfessionalId` is its lead
   * professional: a lead's read of their own family and its audit row in one round trip. Null when
   * there is no such family.
   */
  async findAuditedForLead(
    id: string,
    leadProfessionalId: string,
    audit: AuditAlong,
    include: FamilyReadIncludes = { members: false, consents: false },
    extras: readonly FamilyReadExtra[] = [],
  ): Promise<FamilyRead | null> {
    const p = new SqlParams();
    const familyId = p.add(id);
    const lead = p.add(leadProfessionalId);
    // The lists are read only for the family's own lead professional; anyone else's access is
    // decided afterwards, and their lists are read then if they may see them.
    const ifLead = (list: string) => `CASE WHEN f."leadProfessionalId" = ${lead} THEN ${list} END`;
    const along = [
      ...(include.members
        ? [
            `${ifLead(jsonRows(this.db, FamilyMemberEntity, 't.family_id = f.id', 'x."seq"'))} AS members_json`,
          ]
        : []),
      ...(include.consents ? [`${ifLead(this.consentsJson('f.id'))} AS consents_json`] : []),
      // Names come from code (the Family field an extra serves), never from input.
      ...(extras.length
        ? [
            `${ifLead(`json_build_object(${extras.map((e) => `'${e.name}', ${e.sql('f.id')}`).join(', ')})`)} AS extras_json`,
          ]
        : []),
    ];
    // Prepared: `f.*` names the columns listed in `f`, and the lists are JSON.
    const rows: (FamilyEntity & Record<string, unknown>)[] = await this.db.query(
      prepared(`WITH f AS (SELECT ${columnList(this.db, FamilyEntity)} FROM families t WHERE t.id = ${familyId}),
                     audit AS (${audit(p, `f WHERE f."leadProfessionalId" = ${lead}`)})
                SELECT ${['f.*', ...along].join(', ')} FROM f`),
      p.values,
    );
    if (!rows.length) return null;
    const { members_json: members, consents_json: consents, extras_json: found, ...family } = rows[0];
    return {
      family: family as FamilyEntity,
      members: members ? rowsFromJson(this.db, FamilyMemberEntity, members) : undefined,
      consents: consents ? rowsFromJson<ConsentRow>(this.db, ConsentEntity, consents) : undefined,
      extras: (found as Record<string, unknown> | null) ?? {},
    };
  }

  /** A family's consents with the agencies each names, as JSON (see consentsByFamilyIds). */
  private consentsJson(familyId: string): string {
    return jsonRows(
      this.db,
      ConsentEntity,
      `t.family_id = ${familyId}`,
      'x."givenAt", x."id"',
      CONSENT_AGENCY_IDS,
    );
  }

  async findByIds(ids: readonly string[]): Promise<FamilyEntity[]> {
    return rowsWhereIn(this.db, FamilyEntity, 'id', ids.filter(isId));
  }

  /** Of the given families, those for which the agency has a referral that is not a draft. */
  async familiesWithSentReferral(
    agencyId: string,
    familyIds: readonly string[],
    manager?: EntityManager,
  ): Promise<Set<string>> {
    const valid = familyIds.filter(isId);
    if (!valid.length) return new Set();
    const rows: { family_id: string }[] = await (manager ?? this.db.manager).query(
      `SELECT DISTINCT family_id FROM referrals
        WHERE agency_id = $1 AND family_id = ANY($2::uuid[]) AND status <> 'DRAFT'`,
      [agencyId, valid],
    );
    return new Set(rows.map((r) => r.family_id));
  }

  async page(
    scope: VisibilityScope,
    filter: FamilyListFilter,
    after: [string, string] | null,
    limit: number,
  ) {
    const params = new SqlParams();
    const where: string[] = [];
    if (!scope.all) {
      const visible: string[] = [];
      if (scope.leadProfessionalId)
        visible.push(`f.lead_professional_id = ${params.add(scope.leadProfessionalId)}`);
      if (scope.agencyId) {
        visible.push(
          `f.id IN (SELECT r.family_id FROM referrals r WHERE r.agency_id = ${params.add(scope.agencyId)} AND r.status <> 'DRAFT')`,
        );
      }
      where.push(visible.length ? `(${visible.join(' OR ')})` : 'false');
    }
    if (filter.areaId) where.push(`f.area_id = ${params.add(filter.areaId)}`);
    if (filter.search) {
      const pattern = params.add(`%${escapeLike(filter.search.toLowerCase())}%`);
      where.push(`(lower(f.name) LIKE ${pattern} OR lower(f.reference) LIKE ${pattern}
        OR EXISTS (SELECT 1 FROM family_members m WHERE m.family_id = f.id
                   AND lower(m.given_name || ' ' || m.family_name) LIKE ${pattern}))`);
    }
    const { rows, total } = await keysetPage<Record<string, unknown>>(this.db, {
      select: 'f.id, f.reference, f.name, f.area_id, f.lead_professional_id, f.created_at',
      from: 'families f',
      where,
      params,
      after: after ? (p) => `(f.name, f.id) > (${p.add(after[0])}, ${p.add(after[1])}::uuid)` : null,
      orderBy: 'f.name, f.id',
      limit,
    });
    return {
      rows: rows.map((r) => ({
        id: r.id as string,
        reference: r.reference as string,
        name: r.name as string,
        areaId: r.area_id as string,
        leadProfessionalId: r.lead_professional_id as string | null,
        createdAt: r.created_at as Date,
      })),
      total,
    };
  }

  async insertFamily(
    m: EntityManager,
    fields: { name: string; areaId: string; leadProfessionalId: string | null; createdById: string },
  ): Promise<FamilyEntity> {
    const [row]: { id: string }[] = await m.query(
      `INSERT INTO families (reference, name, area_id, lead_professional_id, created_by_id)
       VALUES (next_reference('FAM', 'family_reference_seq'), $1, $2, $3, $4) RETURNING id`,
      [fields.name, fields.areaId, fields.leadProfessionalId, fields.createdById],
    );
    return (await this.findById(row.id, m))!;
  }

  async insertMembers(
    m: EntityManager,
    familyId: string,
    members: { givenName: string; familyName: string; dateOfBirth: string | null; role: MemberRole }[],
  ): Promise<FamilyMemberEntity[]> {
    if (!members.length) return [];
    const repo = m.getRepository(FamilyMemberEntity);
    return repo.save(members.map((member) => repo.create({ ...member, familyId })));
  }

  async insertAssignment(
    m: EntityManager,
    fields: {
      familyId: string;
      userId: string;
      reason: string | null;
      assignedById: string;
      startedAt: Date;
    },
  ): Promise<void> {
    await m.getRepository(LeadProfessionalAssignmentEntity).insert(fields);
  }

  /**
   * Moves the family to a new lead professional only if it is still led by `expectedCurrent`
   * (one conditional UPDATE; 0 rows means a concurrent handover won).
   */
  async swapLeadProfessional(
    m: EntityManager,
    familyId: string,
    expectedCurrent: string | null,
    next: string,
  ): Promise<boolean> {
    const [, affected]: [unknown, number] = await m.query(
      `UPDATE families SET lead_professional_id = $3
        WHERE id = $1 AND lead_professional_id IS NOT DISTINCT FROM $2::uuid`,
      [familyId, expectedCurrent, next],
    );
    return affected === 1;
  }

  async endOpenAssignment(m: EntityManager, familyId: string, at: Date): Promise<void> {
    await m.query(
      `UPDATE lead_professional_assignments SET ended_at = $2 WHERE family_id = $1 AND ended_at IS NULL`,
      [familyId, at],
    );
  }

  async membersByFamilyIds(familyIds: readonly string[]): Promise<FamilyMemberEntity[]> {
    return rowsWhereIn(this.db, FamilyMemberEntity, 'family_id', familyIds, 't.seq');
  }

  async membersByIds(ids: readonly string[]): Promise<FamilyMemberEntity[]> {
    return rowsWhereIn(this.db, FamilyMemberEntity, 'id', ids.filter(isId));
  }

  async assignmentsByFamilyIds(familyIds: readonly string[]): Promise<LeadProfessionalAssignmentEntity[]> {
    return rowsWhereIn(
      this.db,
      LeadProfessionalAssignmentEntity,
      'family_id',
      familyIds,
      't.started_at, t.ended_at NULLS LAST, t.id',
    );
  }

  /** The families' consents, each with the ids of the agencies it names. */
  async consentsByFamilyIds(familyIds: readonly string[]): Promise<ConsentRow[]> {
    if (!familyIds.length) return [];
    return this.db.query(
      `SELECT ${columnList(this.db, ConsentEntity)}, ${CONSENT_AGENCY_IDS}
         FROM consents t WHERE t.family_id = ANY($1::uuid[]) ORDER BY t.given_at, t.id`,
      [familyIds],
    );
  }

  async agencyIdsByConsentIds(
    consentIds: readonly string[],
  ): Promise<{ consentId: string; agencyId: string }[]> {
    if (!consentIds.length) return [];
    const rows: { consent_id: string; agency_id: string }[] = await this.db.query(
      'SELECT consent_id, agency_id FROM consent_agencies WHERE consent_id = ANY($1::uuid[])',
      [consentIds],
    );
    return rows.map((r) => ({ consentId: r.consent_id, agencyId: r.agency_id }));
  }

  findConsent(id: string, m?: EntityManager): Promise<ConsentEntity | null> {
    if (!isId(id)) return Promise.resolve(null);
    return (m ?? this.db.manager).getRepository(ConsentEntity).findOneBy({ id });
  }

  async insertConsent(
    m: EntityManager,
    fields: {
      familyId: string;
      givenByMemberId: string;
      scope: ConsentScope;
      purpose: string;
      givenAt: Date;
      expiresAt: Date | null;
      recordedById: string;
      agencyIds: string[];
    },
  ): Promise<ConsentEntity> {
    const { agencyIds, ...row } = fields;
    const repo = m.getRepository(ConsentEntity);
    const consent = await repo.save(repo.create({ ...row, withdrawnAt: null }));
    if (agencyIds.length) {
      await m.query('INSERT INTO consent_agencies (consent_id, agency_id) SELECT $1, unnest($2::uuid[])', [
        consent.id,
        agencyIds,
      ]);
    }
    return consent;
  }

  /** Sets withdrawn_at once; false when it was already set. */
  async withdrawConsent(m: EntityManager, id: string, at: Date): Promise<ConsentEntity | null> {
    // TypeORM returns [rows, affectedCount] for UPDATE.
    const [, affected]: [unknown, number] = await m.query(
      `UPDATE consents SET withdrawn_at = $2 WHERE id = $1 AND withdrawn_at IS NULL`,
      [id, at],
    );
    return affected === 1 ? this.findConsent(id, m) : null;
  }
}
