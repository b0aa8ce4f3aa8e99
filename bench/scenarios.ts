/**
 * The benchmark scenarios: GraphQL documents for the API and for the PostGraphile peer, and the
 * fixtures (which families, agencies, users) drawn deterministically from the seeded database.
 */
import type autocannon from 'autocannon';
import type pg from 'pg';
import { jsonHeaders } from './load.js';
import { SEED_EMAIL_DOMAIN } from '../scripts/seed/generate.js';

// ---------------------------------------------------------------------------------------------
// Scenario 1: a lead professional's family page.

export const FAMILY_PAGE = /* GraphQL */ `
  query FamilyPage($id: ID!) {
    family(id: $id) {
      id
      reference
      name
      createdAt
      area {
        id
        name
      }
      members {
        id
        givenName
        familyName
        dateOfBirth
        role
      }
      leadProfessional {
        id
        name
        email
      }
      consents {
        id
        scope
        purpose
        givenAt
        expiresAt
        withdrawnAt
        givenBy {
          id
          givenName
          familyName
        }
        agencies {
          id
          name
        }
      }
      referrals {
        id
        reference
        status
        urgency
        reason
        createdAt
        receivedAt
        decidedAt
        startedAt
        closedAt
        service {
          id
          name
        }
        agency {
          id
          name
        }
        events {
          id
          status
          at
          note
          actor {
            id
            name
          }
        }
      }
    }
  }
`;

/** The same page through PostGraphile's generated schema (same fields, same orders). */
export const PEER_FAMILY_PAGE = /* GraphQL */ `
  query FamilyPage($id: UUID!) {
    familyById(id: $id) {
      id
      reference
      name
      createdAt
      areaByAreaId {
        id
        name
      }
      familyMembersByFamilyId(orderBy: SEQ_ASC) {
        nodes {
          id
          givenName
          familyName
          dateOfBirth
          role
        }
      }
      userByLeadProfessionalId {
        id
        name
        email
      }
      consentsByFamilyId(orderBy: [GIVEN_AT_ASC, ID_ASC]) {
        nodes {
          id
          scope
          purpose
          givenAt
          expiresAt
          withdrawnAt
          familyMemberByGivenByMemberId {
            id
            givenName
            familyName
          }
          consentAgenciesByConsentId {
            nodes {
              agencyByAgencyId {
                id
                name
              }
            }
          }
        }
      }
      referralsByFamilyId(orderBy: [CREATED_AT_ASC, ID_ASC]) {
        nodes {
          id
          reference
          status
          urgency
          reason
          createdAt
          receivedAt
          decidedAt
          startedAt
          closedAt
          serviceByServiceId {
            id
            name
          }
          agencyByAgencyId {
            id
            name
          }
          referralEventsByReferralId(orderBy: [AT_ASC, STATUS_ASC, ID_ASC]) {
            nodes {
              id
              status
              at
              note
              userByActorId {
                id
                name
              }
            }
          }
        }
      }
    }
  }
`;

// ---------------------------------------------------------------------------------------------
// Scenario 2: an agency inbox.

export const INBOX = /* GraphQL */ `
  query Inbox($agencyId: ID!, $first: Int) {
    referrals(first: $first, filter: { agencyId: $agencyId, status: [SENT] }) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        reference
        status
        urgency
        reason
        receivedAt
        service {
          id
          name
        }
        family {
          id
          reference
          name
        }
        children {
          id
          givenName
          familyName
          dateOfBirth
        }
      }
    }
  }
`;

export const PEER_INBOX = /* GraphQL */ `
  query Inbox($agencyId: UUID!, $first: Int) {
    allReferrals(
      first: $first
      condition: { agencyId: $agencyId, status: SENT }
      orderBy: [URGENCY_DESC, RECEIVED_AT_ASC, ID_ASC]
    ) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        reference
        status
        urgency
        reason
        receivedAt
        serviceByServiceId {
          id
          name
        }
        familyByFamilyId {
          id
          reference
          name
        }
        referralChildrenByReferralId {
          nodes {
            familyMemberByMemberId {
              id
              givenName
              familyName
              dateOfBirth
            }
          }
        }
      }
    }
  }
`;

// ---------------------------------------------------------------------------------------------
// Scenario 3: a board's year of metrics.

const METRIC = 'value suppressed';
export const REFERRAL_METRICS = /* GraphQL */ `
  query ReferralMetrics($filter: MetricsFilter!) {
    referralMetrics(filter: $filter) {
      from to
      received { ${METRIC} } ratePer10kChildren { ${METRIC} } reReferralPercent { ${METRIC} }
      accepted { ${METRIC} } declined { ${METRIC} } acceptancePercent { ${METRIC} }
      byMonth { month received { ${METRIC} } ratePer10kChildren { ${METRIC} } }
    }
  }`;

const WAITS = `count { ${METRIC} } medianDays { ${METRIC} } p92Days { ${METRIC} } withinTargetPercent { ${METRIC} } over18Weeks { ${METRIC} }`;
export const WAITING_METRICS = /* GraphQL */ `
  query WaitingTimeMetrics($filter: MetricsFilter!) {
    waitingTimeMetrics(filter: $filter) { from to completed { ${WAITS} } waiting { ${WAITS} } }
  }`;

// ---------------------------------------------------------------------------------------------
// Scenario 4: writes.

export const CREATE_REFERRAL = /* GraphQL */ `
  mutation Create($input: CreateReferralInput!) {
    createReferral(input: $input) {
      id
      version
      status
    }
  }
`;

export const SEND_REFERRAL = /* GraphQL */ `
  mutation Send($id: ID!, $v: Int) {
    sendReferral(id: $id, expectedVersion: $v) {
      id
      status
      receivedAt
      version
    }
  }
`;

export const LOGIN = /* GraphQL */ `
  mutation Login($email: String!, $password: String!) {
    login(email: $email, password: $password) {
      token
    }
  }
`;

// ---------------------------------------------------------------------------------------------
// Fixtures

export interface Fixtures {
  /** Families with the id of their lead professional. */
  familyPages: { familyId: string; leadId: string; leadEmail: string }[];
  /** Average number of referrals on those family pages (the size of scenario 1's answers). */
  familyPageReferrals: number;
  inboxes: { agencyId: string; staffId: string; staffEmail: string; sent: number }[];
  board: { id: string; email: string };
  metricsAgencyId: string;
  period: { from: string; to: string };
  /** Eligible (family, service, children) combinations for new referrals, with the family's lead. */
  writes: { familyId: string; serviceId: string; childIds: string[]; leadId: string; leadEmail: string }[];
  /** Families grouped by how many referrals they have, for the statement counts. */
  bySize: {
    label: string;
    families: { familyId: string; leadId: string; leadEmail: string; referrals: number }[];
  }[];
}

/** The last complete reporting year (1 April – 31 March) before `today`. */
export function lastReportingYear(today: Date): { from: string; to: string } {
  const y = today.getUTCFullYear();
  const endYear = today.getUTCMonth() >= 3 ? y : y - 1;
  return { from: `${endYear - 1}-04-01`, to: `${endYear}-03-31` };
}

export async function loadFixtures(
  db: pg.Pool | pg.ClientBase,
  options: { leads?: number; familyPages?: number; writes?: number } = {},
): Promise<Fixtures> {
  const domain = `%@${SEED_EMAIL_DOMAIN}`;
  // md5 of the id gives a stable pseudo-random order over the seeded rows.
  const { rows: leads } = await db.query<{ id: string; email: string }>(
    `SELECT u.id, u.email FROM users u
      WHERE u.email LIKE $1 AND u.active AND 'LEAD_PROFESSIONAL' = ANY(u.roles)
        AND EXISTS (SELECT 1 FROM families f WHERE f.lead_professional_id = u.id)
      ORDER BY md5(u.id::text) LIMIT $2`,
    [domain, options.leads ?? 40],
  );
  const leadIds = leads.map((l) => l.id);
  const emailOf = new Map(leads.map((l) => [l.id, l.email]));
  const { rows: pages } = await db.query<{ id: string; lead: string }>(
    `SELECT f.id, f.lead_professional_id AS lead FROM families f
      WHERE f.lead_professional_id = ANY($1::uuid[]) ORDER BY md5(f.id::text) LIMIT $2`,
    [leadIds, options.familyPages ?? 200],
  );
  const { rows: pageSize } = await db.query<{ n: string }>(
    'SELECT (count(*)::float8 / greatest(cardinality($1::uuid[]), 1))::text AS n FROM referrals WHERE family_id = ANY($1::uuid[])',
    [pages.map((p) => p.id)],
  );
  const { rows: inboxes } = await db.query<{
    agency_id: string;
    sent: string;
    staff_id: string;
    email: string;
  }>(
    `WITH counts AS (
       SELECT agency_id, count(*) AS sent FROM referrals WHERE status = 'SENT' GROUP BY agency_id
     )
     SELECT c.agency_id, c.sent::text,
            (SELECT u.id FROM users u WHERE u.agency_id = c.agency_id AND u.active AND 'AGENCY_STAFF' = ANY(u.roles)
              ORDER BY md5(u.id::text) LIMIT 1) AS staff_id,
            (SELECT u.email FROM users u WHERE u.agency_id = c.agency_id AND u.active AND 'AGENCY_STAFF' = ANY(u.roles)
              ORDER BY md5(u.id::text) LIMIT 1) AS email
       FROM counts c
      ORDER BY (c.sent >= 50) DESC, md5(c.agency_id::text) LIMIT 10`,
  );
  const { rows: boards } = await db.query<{ id: string; email: string }>(
    `SELECT id, email FROM users WHERE email = $1`,
    [`board@${SEED_EMAIL_DOMAIN}`],
  );
  const { rows: busiest } = await db.query<{ agency_id: string }>(
    `SELECT agency_id FROM referrals GROUP BY agency_id ORDER BY count(*) DESC, agency_id LIMIT 1`,
  );
  // New referrals: families with an open, unexpired consent to all partners, services accepting
  // referrals in the family's area, children of the right age today (in the reporting time zone).
  const { rows: candidates } = await db.query<{ id: string; area_id: string; lead: string }>(
    `SELECT f.id, f.area_id, f.lead_professional_id AS lead FROM families f
      WHERE f.lead_professional_id = ANY($1::uuid[])
        -- Never a family of the read scenarios: every run's writes would make those pages grow.
        AND f.id <> ALL($2::uuid[])
        AND EXISTS (SELECT 1 FROM consents c WHERE c.family_id = f.id AND c.scope = 'ALL_PARTNERS'
                      AND c.withdrawn_at IS NULL AND (c.expires_at IS NULL OR c.expires_at > now() + interval '1 day'))
      ORDER BY md5(f.id::text) LIMIT 400`,
    [leadIds, pages.map((p) => p.id)],
  );
  // The candidate families go in as arrays (a lateral look-up per family keeps the plan small).
  const { rows: writes } = await db.query<{
    family_id: string;
    service_id: string;
    child_ids: string[];
    lead: string;
  }>(
    `WITH today AS (SELECT (now() AT TIME ZONE 'Europe/London')::date AS d)
     SELECT f.id AS family_id, s.id AS service_id, array_agg(m.id::text ORDER BY m.id) AS child_ids, f.lead
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[]) AS f(id, area_id, lead)
       CROSS JOIN today
       JOIN LATERAL (SELECT m.id, m.date_of_birth FROM family_members m
                      WHERE m.family_id = f.id AND m.role = 'CHILD' AND m.date_of_birth <= today.d - 1 OFFSET 0) m ON true
       JOIN services s ON s.accepting_referrals
        AND (NOT EXISTS (SELECT 1 FROM service_areas sa WHERE sa.service_id = s.id)
             OR EXISTS (SELECT 1 FROM service_areas sa WHERE sa.service_id = s.id AND sa.area_id = f.area_id))
      WHERE date_part('year', age(today.d, m.date_of_birth)) BETWEEN coalesce(s.min_age_years, 0) AND coalesce(s.max_age_years, 200)
        -- a birthday today or tomorrow could move a child out of range between selection and send
        AND date_part('year', age(today.d + 2, m.date_of_birth)) BETWEEN coalesce(s.min_age_years, 0) AND coalesce(s.max_age_years, 200)
      GROUP BY f.id, s.id, f.lead
      ORDER BY md5(f.id::text || s.id::text) LIMIT $4`,
    [
      candidates.map((c) => c.id),
      candidates.map((c) => c.area_id),
      candidates.map((c) => c.lead),
      options.writes ?? 500,
    ],
  );
  // Families of every size for the statement counts: few, several and many referrals.
  const buckets: [string, number, number][] = [
    ['1–2 referrals', 1, 2],
    ['5–9 referrals', 5, 9],
    ['20+ referrals', 20, 10_000],
  ];
  const bySize: Fixtures['bySize'] = [];
  for (const [label, lo, hi] of buckets) {
    const { rows } = await db.query<{ id: string; lead: string; email: string; n: string }>(
      `SELECT f.id, f.lead_professional_id AS lead, u.email, x.n::text
         FROM (SELECT family_id, count(*) AS n FROM referrals GROUP BY family_id HAVING count(*) BETWEEN $1 AND $2
                ORDER BY md5(family_id::text) LIMIT 5) x
         JOIN families f ON f.id = x.family_id JOIN users u ON u.id = f.lead_professional_id`,
      [lo, hi],
    );
    for (const r of rows) emailOf.set(r.lead, r.email);
    if (rows.length)
      bySize.push({
        label,
        families: rows.map((r) => ({
          familyId: r.id,
          leadId: r.lead,
          leadEmail: r.email,
          referrals: Number(r.n),
        })),
      });
  }
  return {
    familyPages: pages.map((p) => ({ familyId: p.id, leadId: p.lead, leadEmail: emailOf.get(p.lead)! })),
    familyPageReferrals: Number(pageSize[0].n),
    inboxes: inboxes
      .filter((i) => i.staff_id)
      .map((i) => ({
        agencyId: i.agency_id,
        staffId: i.staff_id,
        staffEmail: i.email,
        sent: Number(i.sent),
      })),
    board: boards[0],
    metricsAgencyId: busiest[0]?.agency_id,
    period: lastReportingYear(new Date()),
    writes: writes.map((w) => ({
      familyId: w.family_id,
      serviceId: w.service_id,
      childIds: w.child_ids.slice(0, 2),
      leadId: w.lead,
      leadEmail: emailOf.get(w.lead)!,
    })),
    bySize,
  };
}

// ---------------------------------------------------------------------------------------------
// Scenario 4 as autocannon requests.

/** How every referral the benchmark writes begins its reason (and what removeBenchmarkWrites deletes by). */
export const BENCHMARK_REASON = 'Benchmark:';

/**
 * Deletes the referrals the write scenario made, with their children and events (their audit rows
 * stay: the trail is append-only), then vacuums. Left in place they piled up as SENT referrals in the
 * agencies' inboxes from run to run: 210,000 of them had doubled the inbox's database time. Run
 * before measuring and after the writes, so every run reads the seeded data set.
 */
export async function removeBenchmarkWrites(pool: pg.Pool): Promise<number> {
  const { rowCount } = await pool.query(`DELETE FROM referrals WHERE starts_with(reason, $1)`, [
    BENCHMARK_REASON,
  ]);
  if (rowCount) await pool.query('VACUUM (ANALYZE) referrals, referral_children, referral_events');
  return rowCount ?? 0;
}

/** createReferral then sendReferral on the same connection, the second using the first's id. */
export function writeRequests(
  fx: Pick<Fixtures, 'writes'>,
  tokens: Map<string, string>,
  counters: { failed: number; sample?: string },
) {
  let next = 0;
  const fail = (body: string) => {
    counters.failed++;
    counters.sample ??= body.slice(0, 500);
  };
  return [
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (req: any, context: any) => {
        const w = fx.writes[next++ % fx.writes.length];
        context.token = tokens.get(w.leadEmail);
        const input = {
          familyId: w.familyId,
          serviceId: w.serviceId,
          childIds: w.childIds,
          reason: `${BENCHMARK_REASON} need identified at review`,
          urgency: 'ROUTINE',
        };
        return {
          ...req,
          headers: jsonHeaders(context.token),
          body: JSON.stringify({ query: CREATE_REFERRAL, variables: { input } }),
        };
      },
      onResponse: (_status: number, body: string, context: any) => {
        const id = /"id":"([0-9a-f-]{36})"/.exec(body)?.[1];
        context.id = id;
        if (!id || body.includes('"errors"')) fail(body);
      },
    },
    {
      method: 'POST',
      path: '/graphql',
      setupRequest: (req: any, context: any) => ({
        ...req,
        headers: jsonHeaders(context.token),
        body: JSON.stringify({
          query: SEND_REFERRAL,
          variables: { id: context.id ?? '00000000-0000-4000-8000-000000000000' },
        }),
      }),
      onResponse: (_status: number, body: string) => {
        if (!body.includes('"status":"SENT"')) fail(body);
      },
    },
  ] as autocannon.Request[];
}
