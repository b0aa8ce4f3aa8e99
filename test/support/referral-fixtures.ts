import pg from 'pg';
import { AgencyKind, ConsentScope, MemberRole, Role } from '../../src/common/enums.js';
import {
  createAgency,
  createArea,
  createFamily,
  createService,
  createUser,
  type MemberFields,
} from './factories.js';
import { lockWaiters, waitUntil } from './fault-cluster.js';
import type { GraphQLResponse, TestApp } from './test-app.js';

/** Referral fields asked for in most tests. */
export const REFERRAL_FIELDS = `id reference status version urgency reason sharedWithoutConsent
  sharedWithoutConsentReason createdAt receivedAt decidedAt declineReason startedAt closedAt outcome
  withdrawReason waitingDays`;

export const CREATE_REFERRAL = `mutation($input: CreateReferralInput!) {
  createReferral(input: $input) { ${REFERRAL_FIELDS} } }`;

export const READ_REFERRAL = `query($id: ID!) { referral(id: $id) { ${REFERRAL_FIELDS}
  events { status at note actor { id } } } }`;

export type Action = 'send' | 'accept' | 'decline' | 'start' | 'complete' | 'withdraw';

const NOTE_ARG: Partial<Record<Action, string>> = {
  decline: 'reason',
  complete: 'outcome',
  withdraw: 'reason',
};

export const transitionMutation = (action: Action, fields = REFERRAL_FIELDS) => {
  const name = `${action}Referral`;
  const note = NOTE_ARG[action];
  return `mutation($id: ID!, $v: Int, $at: DateTime${note ? ', $note: String!' : ''}) {
    ${name}(id: $id, expectedVersion: $v, occurredAt: $at${note ? `, ${note}: $note` : ''}) { ${fields} } }`;
};

/** Runs one transition; `note` defaults to a fixed text for the actions that need one. */
export function act(
  t: TestApp,
  action: Action,
  token: string,
  id: string,
  opts: { v?: number; at?: string; note?: string } = {},
): Promise<GraphQLResponse> {
  return t.gql(
    transitionMutation(action),
    {
      id,
      v: opts.v,
      at: opts.at,
      ...(NOTE_ARG[action] ? { note: opts.note ?? `${action} note` } : {}),
    },
    token,
  );
}

export const data = (res: GraphQLResponse, field: string) => {
  if (res.errors) throw new Error(`${field}: ${JSON.stringify(res.errors)}`);
  return res.data![field];
};

export async function recordConsent(
  db: pg.Pool,
  fields: {
    familyId: string;
    givenByMemberId: string;
    recordedById: string;
    scope?: ConsentScope;
    agencyIds?: string[];
    givenAt?: Date;
    expiresAt?: Date | null;
    withdrawnAt?: Date | null;
  },
): Promise<string> {
  const { rows } = await db.query(
    `INSERT INTO consents (family_id, given_by_member_id, scope, purpose, given_at, expires_at, withdrawn_at, recorded_by_id)
     VALUES ($1, $2, $3, 'Sharing with partner agencies for family support', $4, $5, $6, $7) RETURNING id`,
    [
      fields.familyId,
      fields.givenByMemberId,
      fields.scope ?? ConsentScope.ALL_PARTNERS,
      fields.givenAt ?? new Date(Date.now() - 365 * 86_400_000),
      fields.expiresAt ?? null,
      fields.withdrawnAt ?? null,
      fields.recordedById,
    ],
  );
  for (const agencyId of fields.agencyIds ?? []) {
    await db.query('INSERT INTO consent_agencies (consent_id, agency_id) VALUES ($1, $2)', [
      rows[0].id,
      agencyId,
    ]);
  }
  return rows[0].id as string;
}

/** A date of birth making a child `years` old today (plus `days` further back). */
export function dobForAge(years: number, days = 0): string {
  const d = new Date();
  d.setUTCFullYear(d.getUTCFullYear() - years);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

export interface Person {
  id: string;
  token: string;
}

/**
 * A small partnership: one area, three agencies (health, education, voluntary) each with one
 * open service and one member of staff (two for health), a lead professional, a second lead
 * professional, an admin and a board member.
 */
export async function partnership(t: TestApp) {
  const person = async (roles: Role[], agencyId: string | null = null): Promise<Person> => {
    const user = await createUser(t.db, { roles, agencyId });
    return { id: user.id, token: t.tokenFor(user.id) };
  };
  const area = await createArea(t.db, { name: 'Chichester' });
  const otherArea = await createArea(t.db, { name: 'Bognor Regis' });
  const health = await createAgency(t.db, { name: 'NHS trust', kind: AgencyKind.HEALTH });
  const school = await createAgency(t.db, { name: 'Primary school', kind: AgencyKind.EDUCATION });
  const outreach = await createAgency(t.db, { name: 'Family centre', kind: AgencyKind.VOLUNTARY });
  const slt = await createService(t.db, health.id, {
    name: 'Speech and language therapy',
    minAgeYears: 2,
    maxAgeYears: 18,
    waitingTimeTargetDays: 126,
  });
  const healthVisiting = await createService(t.db, health.id, {
    name: 'Health visiting',
    minAgeYears: 0,
    maxAgeYears: 4,
    waitingTimeTargetDays: 14,
  });
  const nurture = await createService(t.db, school.id, {
    name: 'Nurture group',
    minAgeYears: 4,
    maxAgeYears: 11,
    areaIds: [area.id],
  });
  const familyOutreach = await createService(t.db, outreach.id, { name: 'Family outreach support' });
  return {
    area,
    otherArea,
    agencies: { health, school, outreach },
    services: { slt, healthVisiting, nurture, familyOutreach },
    admin: await person([Role.ADMIN]),
    lead: await person([Role.LEAD_PROFESSIONAL]),
    lead2: await person([Role.LEAD_PROFESSIONAL]),
    board: await person([Role.BOARD_MEMBER]),
    healthStaff: await person([Role.AGENCY_STAFF], health.id),
    healthStaff2: await person([Role.AGENCY_STAFF], health.id),
    schoolStaff: await person([Role.AGENCY_STAFF], school.id),
    outreachStaff: await person([Role.AGENCY_STAFF], outreach.id),
  };
}

export type Partnership = Awaited<ReturnType<typeof partnership>>;

/**
 * A family in the partnership's area led by `lead`: a parent and three children aged 4, 1 and 8
 * (James, April, Lilly), with an all-partners consent given a year ago unless `consent: false`.
 */
export async function family(
  t: TestApp,
  p: Partnership,
  opts: { lead?: Person; consent?: boolean; areaId?: string; members?: MemberFields[] } = {},
) {
  const lead = opts.lead ?? p.lead;
  const f = await createFamily(t.db, {
    areaId: opts.areaId ?? p.area.id,
    leadProfessionalId: lead.id,
    name: 'Chichester family',
    members: opts.members ?? [
      { givenName: 'Sarah', familyName: 'Brown', role: MemberRole.PARENT_CARER, dateOfBirth: '1990-05-01' },
      { givenName: 'James', familyName: 'Brown', role: MemberRole.CHILD, dateOfBirth: dobForAge(4, 10) },
      { givenName: 'April', familyName: 'Brown', role: MemberRole.CHILD, dateOfBirth: dobForAge(1, 10) },
      { givenName: 'Lilly', familyName: 'Brown', role: MemberRole.CHILD, dateOfBirth: dobForAge(8, 10) },
    ],
  });
  const [parent, james, april, lilly] = f.members;
  if (opts.consent !== false && parent) {
    await recordConsent(t.db, { familyId: f.id, givenByMemberId: parent.id, recordedById: lead.id });
  }
  return { ...f, parent, james, april, lilly };
}

/** Creates a draft referral through the API (James to speech and language therapy unless told otherwise). */
export async function draft(
  t: TestApp,
  token: string,
  input: { familyId: string; serviceId: string; childIds: string[]; [k: string]: unknown },
) {
  return data(
    await t.gql(CREATE_REFERRAL, { input: { reason: 'Speech delay noted at review', ...input } }, token),
    'createReferral',
  );
}

/** A referral brought to `status` through the API by the right people. */
export async function referralIn(
  t: TestApp,
  p: Partnership,
  status: 'DRAFT' | 'SENT' | 'ACCEPTED' | 'DECLINED' | 'STARTED' | 'COMPLETED' | 'WITHDRAWN',
  opts: { family?: Awaited<ReturnType<typeof family>> } = {},
) {
  const f = opts.family ?? (await family(t, p));
  let r = await draft(t, p.lead.token, {
    familyId: f.id,
    serviceId: p.services.slt.id,
    childIds: [f.james.id],
  });
  const step = async (action: Action, token: string) => {
    r = data(await act(t, action, token, r.id), `${action}Referral`);
  };
  if (status === 'DRAFT') return { referral: r, family: f };
  if (status === 'WITHDRAWN') {
    await step('withdraw', p.lead.token);
    return { referral: r, family: f };
  }
  await step('send', p.lead.token);
  if (status === 'DECLINED') await step('decline', p.healthStaff.token);
  if (['ACCEPTED', 'STARTED', 'COMPLETED'].includes(status)) await step('accept', p.healthStaff.token);
  if (['STARTED', 'COMPLETED'].includes(status)) await step('start', p.healthStaff.token);
  if (status === 'COMPLETED') await step('complete', p.healthStaff.token);
  return { referral: r, family: f };
}

export const count = async (db: pg.Pool, sql: string, params: unknown[] = []) =>
  Number((await db.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n);

/**
 * Runs `request` while a withdrawal of the family's consents is written but not committed. Commits
 * it once the API waits for it (a backend of its pool waits on a lock) or has already answered, and
 * returns the answer: a request that did not wait answered on consent that was being withdrawn.
 */
export async function whileWithdrawing(
  t: TestApp,
  familyId: string,
  request: () => Promise<GraphQLResponse>,
): Promise<GraphQLResponse> {
  const withdrawal = new pg.Client({ connectionString: t.databaseUrl });
  await withdrawal.connect();
  try {
    await withdrawal.query('BEGIN');
    await withdrawal.query('UPDATE consents SET withdrawn_at = now() WHERE family_id = $1', [familyId]);
    let answered = false;
    const answer = request().finally(() => (answered = true));
    await waitUntil(async () => answered || (await lockWaiters(withdrawal)) > 0, 10_000, 'the request');
    await withdrawal.query('COMMIT');
    return await answer;
  } finally {
    await withdrawal.end();
  }
}
