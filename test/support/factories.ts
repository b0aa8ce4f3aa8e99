import type pg from 'pg';
import { AgencyKind, MemberRole, Role } from '../../src/common/enums.js';

let counter = 0;
const next = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/**
 * Arranges directory rows and users with SQL, so tests spend their time on the behaviour
 * under test. A precomputed argon2id hash of FACTORY_PASSWORD avoids hashing per user.
 */
export const FACTORY_PASSWORD = 'correct horse battery';
const FACTORY_PASSWORD_HASH =
  '$argon2id$v=19$m=65536,p=4,t=3$kdqzNu6l4TTUCx9Y5gfvUw$Fv55J/JAqZMMRc67N61mek4/gfllAYqKloX+dRvXEuE';

export interface Ids {
  id: string;
}

async function one<T = Ids>(db: pg.Pool, sql: string, params: unknown[]): Promise<T> {
  const { rows } = await db.query(sql, params);
  return rows[0] as T;
}

export const createArea = (
  db: pg.Pool,
  fields: { code?: string; name?: string; childPopulation?: number | null } = {},
) =>
  one<{ id: string; code: string }>(
    db,
    'INSERT INTO areas (code, name, child_population) VALUES ($1, $2, $3) RETURNING id, code',
    [
      fields.code ?? `A${next()}`,
      fields.name ?? 'Test area',
      fields.childPopulation === undefined ? 10000 : fields.childPopulation,
    ],
  );

export const createAgency = (db: pg.Pool, fields: { name?: string; kind?: AgencyKind } = {}) =>
  one(db, 'INSERT INTO agencies (name, kind) VALUES ($1, $2) RETURNING id', [
    fields.name ?? `Agency ${next()}`,
    fields.kind ?? AgencyKind.HEALTH,
  ]);

export async function createService(
  db: pg.Pool,
  agencyId: string,
  fields: {
    name?: string;
    category?: string;
    minAgeYears?: number | null;
    maxAgeYears?: number | null;
    waitingTimeTargetDays?: number;
    acceptingReferrals?: boolean;
    areaIds?: string[];
  } = {},
) {
  const service = await one(
    db,
    `INSERT INTO services (agency_id, name, category, min_age_years, max_age_years, waiting_time_target_days, accepting_referrals)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [
      agencyId,
      fields.name ?? `Service ${next()}`,
      fields.category ?? 'general',
      fields.minAgeYears ?? null,
      fields.maxAgeYears ?? null,
      fields.waitingTimeTargetDays ?? 28,
      fields.acceptingReferrals ?? true,
    ],
  );
  for (const areaId of fields.areaIds ?? []) {
    await db.query('INSERT INTO service_areas (service_id, area_id) VALUES ($1, $2)', [service.id, areaId]);
  }
  return service;
}

export async function createUser(
  db: pg.Pool,
  fields: {
    roles: Role[];
    agencyId?: string | null;
    email?: string;
    name?: string;
    active?: boolean;
    passwordHash?: string;
  },
) {
  return one<{ id: string; email: string }>(
    db,
    `INSERT INTO users (email, name, password_hash, roles, agency_id, active)
     VALUES ($1, $2, $3, $4::user_role[], $5, $6) RETURNING id, email`,
    [
      (fields.email ?? `user-${next()}@example.test`).toLowerCase(),
      fields.name ?? 'Test User',
      fields.passwordHash ?? FACTORY_PASSWORD_HASH,
      fields.roles,
      fields.agencyId ?? null,
      fields.active ?? true,
    ],
  );
}

export interface MemberFields {
  givenName?: string;
  familyName?: string;
  dateOfBirth?: string | null;
  role?: MemberRole;
}

/** A family with members and an open lead professional assignment, written directly. */
export async function createFamily(
  db: pg.Pool,
  fields: { areaId: string; leadProfessionalId: string; name?: string; members?: MemberFields[] },
) {
  const family = await one<{ id: string; reference: string }>(
    db,
    `INSERT INTO families (reference, name, area_id, lead_professional_id, created_by_id)
     VALUES (next_reference('FAM', 'family_reference_seq'), $1, $2, $3, $3) RETURNING id, reference`,
    [fields.name ?? `Family ${next()}`, fields.areaId, fields.leadProfessionalId],
  );
  await db.query(
    `INSERT INTO lead_professional_assignments (family_id, user_id, started_at, assigned_by_id) VALUES ($1, $2, now(), $2)`,
    [family.id, fields.leadProfessionalId],
  );
  const members: { id: string; role: MemberRole }[] = [];
  for (const m of fields.members ?? []) {
    members.push(
      await one<{ id: string; role: MemberRole }>(
        db,
        `INSERT INTO family_members (family_id, given_name, family_name, date_of_birth, role)
         VALUES ($1, $2, $3, $4, $5) RETURNING id, role`,
        [
          family.id,
          m.givenName ?? 'Sam',
          m.familyName ?? 'Smith',
          m.dateOfBirth ?? null,
          m.role ?? MemberRole.CHILD,
        ],
      ),
    );
  }
  return { ...family, members };
}
