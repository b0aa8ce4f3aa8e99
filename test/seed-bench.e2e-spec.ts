// Smoke test of the synthetic data generator and the benchmark machinery at a tiny size: the seed
// keeps the API's invariants and is deterministic, and the load driver can run a scenario for a
// second against the API and against the SQL ceiling, which return the same data. Timings are
// never asserted here (they belong in BENCHMARKS.md); pg_stat_statements is not loaded in the test
// cluster, so statement counts are covered by the families and referrals statement-count tests.
import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { createCeilingHandler } from '../bench/ceiling-server.js';
import { rotating, runLoad } from '../bench/load.js';
import { renderReport } from '../bench/report.js';
import {
  BENCHMARK_REASON,
  FAMILY_PAGE,
  INBOX,
  loadFixtures,
  removeBenchmarkWrites,
} from '../bench/scenarios.js';
import { hashPassword } from '../src/modules/auth/passwords.js';
import {
  generateDirectory,
  generateFamily,
  SEED_EMAIL_DOMAIN,
  SEED_PASSWORD,
} from '../scripts/seed/generate.js';
import { seedDatabase, type SeedSummary } from '../scripts/seed/load.js';
import { startTestApp, type TestApp, TEST_JWT_SECRET } from './support/test-app.js';
import { PREVIOUS_RECEIPT_MISMATCHES } from './support/previous-receipts.js';
import { endPool } from './support/test-database.js';

const FAMILIES = 200;
// Explicit: the project-level testTimeout is not applied to hooks and tests here.
const TIMEOUT = 120_000;
const AS_OF = new Date('2026-03-01T00:00:00Z');

/** Each query counts rows that break a rule the API enforces; all must be zero. */
const INVARIANTS: Record<string, string> = {
  'stamps in order': `SELECT count(*) FROM referrals WHERE NOT (
      created_at <= coalesce(received_at, created_at)
      AND coalesce(received_at, created_at) <= coalesce(decided_at, 'infinity')
      AND coalesce(decided_at, received_at, created_at) <= coalesce(started_at, 'infinity')
      AND coalesce(started_at, decided_at, received_at, created_at) <= coalesce(closed_at, 'infinity'))`,
  'stamps match status': `SELECT count(*) FROM referrals WHERE NOT CASE status
      WHEN 'DRAFT' THEN received_at IS NULL AND decided_at IS NULL AND closed_at IS NULL
      WHEN 'SENT' THEN received_at IS NOT NULL AND decided_at IS NULL AND closed_at IS NULL
      WHEN 'ACCEPTED' THEN decided_at IS NOT NULL AND started_at IS NULL AND closed_at IS NULL
      WHEN 'DECLINED' THEN decided_at IS NOT NULL AND decline_reason IS NOT NULL AND started_at IS NULL
      WHEN 'STARTED' THEN started_at IS NOT NULL AND closed_at IS NULL
      WHEN 'COMPLETED' THEN closed_at IS NOT NULL AND outcome IS NOT NULL AND started_at IS NOT NULL
      WHEN 'WITHDRAWN' THEN closed_at IS NOT NULL AND withdraw_reason IS NOT NULL AND started_at IS NULL END`,
  'one event per status change': `SELECT count(*) FROM referrals r
      WHERE r.version <> (SELECT count(*) FROM referral_events e WHERE e.referral_id = r.id)
         OR r.status <> (SELECT e.status FROM referral_events e WHERE e.referral_id = r.id ORDER BY e.at DESC, e.status DESC LIMIT 1)
         OR NOT EXISTS (SELECT 1 FROM referral_events e WHERE e.referral_id = r.id AND e.status = 'DRAFT' AND e.at = r.created_at)`,
  'consent before every send': `SELECT count(*) FROM referrals r
      WHERE r.received_at IS NOT NULL AND NOT r.shared_without_consent AND NOT EXISTS (
        SELECT 1 FROM consents c WHERE c.family_id = r.family_id AND c.given_at <= r.received_at
           AND (c.withdrawn_at IS NULL OR c.withdrawn_at > r.received_at)
           AND (c.expires_at IS NULL OR c.expires_at > r.received_at)
           AND (c.scope = 'ALL_PARTNERS' OR EXISTS (
                 SELECT 1 FROM consent_agencies ca WHERE ca.consent_id = c.id AND ca.agency_id = r.agency_id)))`,
  'exception has a reason': `SELECT count(*) FROM referrals
      WHERE shared_without_consent <> (share_without_consent_reason IS NOT NULL)`,
  'one open assignment = lead professional': `SELECT count(*) FROM families f WHERE 1 <> (
      SELECT count(*) FROM lead_professional_assignments a
       WHERE a.family_id = f.id AND a.ended_at IS NULL AND a.user_id = f.lead_professional_id)`,
  'children of the family, of age for the service': `SELECT count(*) FROM referral_children rc
      JOIN referrals r ON r.id = rc.referral_id JOIN family_members m ON m.id = rc.member_id
      JOIN services s ON s.id = r.service_id
     WHERE m.family_id <> r.family_id OR m.role <> 'CHILD' OR (m.date_of_birth IS NOT NULL AND
       date_part('year', age((coalesce(r.received_at, r.created_at) AT TIME ZONE 'Europe/London')::date, m.date_of_birth))
         NOT BETWEEN coalesce(s.min_age_years, 0) AND coalesce(s.max_age_years, 200))`,
  'service offered in the area and accepting': `SELECT count(*) FROM referrals r
      JOIN families f ON f.id = r.family_id JOIN services s ON s.id = r.service_id
     WHERE s.agency_id <> r.agency_id OR NOT s.accepting_referrals
        OR (EXISTS (SELECT 1 FROM service_areas sa WHERE sa.service_id = s.id)
            AND NOT EXISTS (SELECT 1 FROM service_areas sa WHERE sa.service_id = s.id AND sa.area_id = f.area_id))`,
  'package referrals belong to its family': `SELECT count(*) FROM referrals r
      JOIN support_packages p ON p.id = r.package_id WHERE p.family_id <> r.family_id`,
  'nothing after the as-of date': `SELECT count(*) FROM referral_events WHERE at >= '${AS_OF.toISOString()}'`,
  // The generator writes previous_received_at itself while the triggers are off for the load.
  'previous receipt as the database defines it': PREVIOUS_RECEIPT_MISMATCHES,
  'references well formed': `SELECT (SELECT count(*) FROM families WHERE reference !~ '^FAM-[0-9]{6,}$')
      + (SELECT count(*) FROM referrals WHERE reference !~ '^REF-[0-9]{6,}$')`,
};

jest.setTimeout(TIMEOUT);

describe('synthetic data and the benchmark machinery', () => {
  let t: TestApp;
  let summary: SeedSummary;
  let client: pg.Client;

  beforeAll(async () => {
    t = await startTestApp('seedbench');
    client = new pg.Client({ connectionString: t.databaseUrl });
    await client.connect();
    summary = await seedDatabase(client, {
      families: FAMILIES,
      seed: 'smoke-test',
      asOf: AS_OF,
      passwordHash: await hashPassword(SEED_PASSWORD),
      chunkSize: 64,
    });
  });

  afterAll(async () => {
    await client?.end();
    await t?.close();
  });

  it('loads the requested number of families with members, consents, referrals and packages', async () => {
    expect(summary.counts.families).toBe(FAMILIES);
    expect(summary.counts.areas).toBe(20);
    expect(summary.counts.agencies).toBe(40);
    expect(summary.counts.services).toBeGreaterThanOrEqual(190);
    expect(summary.counts.users).toBeGreaterThan(2000);
    expect(summary.counts.family_members).toBeGreaterThanOrEqual(FAMILIES);
    expect(summary.counts.family_members).toBeLessThanOrEqual(FAMILIES * 5);
    expect(summary.counts.referrals).toBeGreaterThan(FAMILIES * 3);
    expect(summary.counts.referral_events).toBeGreaterThan(summary.counts.referrals);
    const { rows } = await t.db.query(
      `SELECT count(DISTINCT family_id)::int AS with_package,
              (SELECT count(*)::int FROM families WHERE NOT EXISTS
                 (SELECT 1 FROM family_members m WHERE m.family_id = families.id) ) AS empty
         FROM support_packages`,
    );
    expect(rows[0].empty).toBe(0);
    expect(rows[0].with_package / FAMILIES).toBeGreaterThan(0.15);
    expect(rows[0].with_package / FAMILIES).toBeLessThan(0.35);
    const statuses = summary.referralStatuses;
    expect(statuses.DECLINED / summary.counts.referrals).toBeGreaterThan(0.08);
    expect(statuses.WITHDRAWN / summary.counts.referrals).toBeGreaterThan(0.04);
    expect(statuses.SENT + statuses.ACCEPTED).toBeGreaterThan(0);
  });

  it.each(Object.entries(INVARIANTS))('keeps the invariant: %s', async (_name, sql) => {
    const { rows } = await t.db.query(sql);
    expect(Number(Object.values(rows[0])[0])).toBe(0);
  });

  it('draws references from the sequences, so rows created later through the API do not collide', async () => {
    const { rows } = await t.db.query(
      `SELECT (SELECT last_value FROM family_reference_seq)::int AS fam,
              (SELECT max(substring(reference FROM 5)::int) FROM families)::int AS max_fam,
              (SELECT last_value FROM referral_reference_seq)::int AS ref,
              (SELECT max(substring(reference FROM 5)::int) FROM referrals)::int AS max_ref`,
    );
    expect(rows[0].fam).toBe(rows[0].max_fam);
    expect(rows[0].ref).toBe(rows[0].max_ref);
  });

  it('is deterministic for a seed and refuses to seed the same database twice', async () => {
    const ctx = { seed: 'smoke-test', dir: generateDirectory('smoke-test'), asOf: AS_OF.getTime() };
    const again = { ...ctx, dir: generateDirectory('smoke-test') };
    expect(again.dir.users.map((u) => u.id)).toEqual(ctx.dir.users.map((u) => u.id));
    for (const i of [0, 7, 150]) expect(generateFamily(again, i)).toEqual(generateFamily(ctx, i));
    const other = { ...ctx, seed: 'another', dir: generateDirectory('another') };
    expect(generateFamily(other, 0).family.id).not.toBe(generateFamily(ctx, 0).family.id);
    const { rows } = await t.db.query('SELECT id FROM families ORDER BY reference LIMIT 1');
    expect(rows[0].id).toBe(generateFamily(ctx, 0).family.id);

    await expect(
      seedDatabase(client, { families: 1, seed: 'x', asOf: AS_OF, passwordHash: 'unused' }),
    ).rejects.toThrow(/already holds seeded data/);
  });

  it('prints demo logins that work through the API', async () => {
    for (const login of summary.directory.demoLogins) {
      const res = await t.gql(
        'mutation($e: String!, $p: String!) { login(email: $e, password: $p) { user { roles } } }',
        { e: login.email, p: SEED_PASSWORD },
      );
      expect(res.errors).toBeUndefined();
      expect(res.data!.login.user.roles).toContain(login.role);
    }
    expect(summary.directory.demoLogins.map((l) => l.email)).toEqual(
      ['admin', 'lead', 'staff', 'board'].map((k) => `${k}@${SEED_EMAIL_DOMAIN}`),
    );
  });

  describe('benchmark machinery', () => {
    let ceiling: Server;
    let ceilingPool: pg.Pool;
    let apiUrl: string;
    let ceilingUrl: string;

    beforeAll(async () => {
      await t.app.listen(0, '127.0.0.1');
      apiUrl = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
      ceilingPool = new pg.Pool({ connectionString: t.databaseUrl, max: 4 });
      ceiling = createServer(createCeilingHandler(ceilingPool, TEST_JWT_SECRET));
      await new Promise<void>((resolve) => ceiling.listen(0, '127.0.0.1', resolve));
      ceilingUrl = `http://127.0.0.1:${(ceiling.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => ceiling?.close(resolve));
      if (ceilingPool) await endPool(ceilingPool);
    });

    const post = async (url: string, body: unknown, token: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify(body),
      });
      return (await res.json()) as any;
    };

    it('selects fixtures for every scenario from the seeded data', async () => {
      const fx = await loadFixtures(t.db, { leads: 200, familyPages: 20 });
      expect(fx.familyPages.length).toBe(20);
      expect(fx.inboxes.length).toBeGreaterThan(0);
      expect(fx.board.email).toBe(`board@${SEED_EMAIL_DOMAIN}`);
      expect(fx.metricsAgencyId).toEqual(expect.any(String));
      expect(fx.bySize.length).toBeGreaterThan(0);
      // Writes never go to the families of the read scenarios, so repeated runs leave those pages as seeded.
      const pageFamilies = new Set(fx.familyPages.map((p) => p.familyId));
      expect(fx.writes.length).toBeGreaterThan(0);
      expect(fx.writes.filter((w) => pageFamilies.has(w.familyId))).toEqual([]);
      const { rows } = await t.db.query(
        'SELECT count(*)::float8 / 20 AS n FROM referrals WHERE family_id = ANY($1::uuid[])',
        [[...pageFamilies]],
      );
      expect(fx.familyPageReferrals).toBeCloseTo(rows[0].n, 6);
    });

    it('removes the referrals its writes made, and nothing else', async () => {
      const fx = await loadFixtures(t.db, { leads: 200, familyPages: 20 });
      const w = fx.writes[0];
      const { rows: lead } = await t.db.query('SELECT id FROM users WHERE email = $1', [w.leadEmail]);
      const token = t.tokenFor(lead[0].id);
      const count = async (sql: string, params: unknown[] = []) =>
        Number((await t.db.query(`SELECT count(*)::int AS n FROM ${sql}`, params)).rows[0].n);
      const seeded = await count('referrals');
      const create = `mutation($input: CreateReferralInput!) { createReferral(input: $input) { id } }`;
      const made = await post(
        `${apiUrl}/graphql`,
        {
          query: create,
          variables: {
            input: {
              familyId: w.familyId,
              serviceId: w.serviceId,
              childIds: w.childIds,
              reason: `${BENCHMARK_REASON} smoke`,
            },
          },
        },
        token,
      );
      const id = made.data.createReferral.id;
      expect(await count('referrals')).toBe(seeded + 1);
      expect(await removeBenchmarkWrites(t.db)).toBe(1);
      expect(await count('referrals')).toBe(seeded);
      expect(await count('referral_events WHERE referral_id = $1', [id])).toBe(0);
      expect(await count('referral_children WHERE referral_id = $1', [id])).toBe(0);
      // The audit trail is append-only: the creation stays on record.
      expect(await count(`audit_events WHERE entity_id = $1 AND action = 'referral.create'`, [id])).toBe(1);
      expect(await removeBenchmarkWrites(t.db)).toBe(0);
    });

    it('serves the family page and the inbox from the ceiling with the same data as the API', async () => {
      const fx = await loadFixtures(t.db, { leads: 200, familyPages: 5 });
      for (const page of fx.familyPages) {
        const token = t.tokenFor(page.leadId);
        const api = await post(
          `${apiUrl}/graphql`,
          { query: FAMILY_PAGE, variables: { id: page.familyId } },
          token,
        );
        const sql = await post(`${ceilingUrl}/family`, { id: page.familyId }, token);
        expect(api.errors).toBeUndefined();
        const a = api.data.family;
        const c = sql.data.family;
        expect(c.id).toBe(a.id);
        expect(c.members.map((m: any) => m.id)).toEqual(a.members.map((m: any) => m.id));
        expect(c.consents.map((m: any) => m.id)).toEqual(a.consents.map((m: any) => m.id));
        expect(c.referrals.map((r: any) => r.id)).toEqual(a.referrals.map((r: any) => r.id));
        expect(c.referrals.flatMap((r: any) => r.events.map((e: any) => e.id))).toEqual(
          a.referrals.flatMap((r: any) => r.events.map((e: any) => e.id)),
        );
      }
      // Another lead professional sees nothing through the ceiling either.
      const stranger = fx.familyPages.find((p) => p.leadId !== fx.familyPages[0].leadId)!;
      const denied = await post(
        `${ceilingUrl}/family`,
        { id: fx.familyPages[0].familyId },
        t.tokenFor(stranger.leadId),
      );
      expect(denied.data.family).toBeNull();

      const inbox = fx.inboxes[0];
      const token = t.tokenFor(inbox.staffId);
      const api = await post(
        `${apiUrl}/graphql`,
        { query: INBOX, variables: { agencyId: inbox.agencyId, first: 50 } },
        token,
      );
      const sql = await post(`${ceilingUrl}/inbox`, { agencyId: inbox.agencyId, first: 50 }, token);
      expect(api.errors).toBeUndefined();
      expect(sql.data.referrals.totalCount).toBe(api.data.referrals.totalCount);
      expect(sql.data.referrals.totalCount).toBe(inbox.sent);
      expect(sql.data.referrals.nodes.map((r: any) => [r.id, r.children.map((c: any) => c.id)])).toEqual(
        api.data.referrals.nodes.map((r: any) => [r.id, r.children.map((c: any) => c.id)]),
      );
    });

    it('drives the API and the ceiling with autocannon for about a second each', async () => {
      const fx = await loadFixtures(t.db, { leads: 200, familyPages: 20 });
      const apiRun = await runLoad({
        url: apiUrl,
        connections: 2,
        seconds: 1,
        requests: rotating(
          fx.familyPages.map((p) => ({
            path: '/graphql',
            body: JSON.stringify({ query: FAMILY_PAGE, variables: { id: p.familyId } }),
            token: t.tokenFor(p.leadId),
          })),
        ),
      });
      const ceilingRun = await runLoad({
        url: ceilingUrl,
        connections: 2,
        seconds: 1,
        requests: rotating(
          fx.inboxes.map((i) => ({
            path: '/inbox',
            body: JSON.stringify({ agencyId: i.agencyId, first: 50 }),
            token: t.tokenFor(i.staffId),
          })),
        ),
      });
      for (const run of [apiRun, ceilingRun]) {
        expect(run.requests).toBeGreaterThan(0);
        expect(run.non2xx + run.errors + run.failed).toBe(0);
        expect(run.p99).toBeGreaterThanOrEqual(run.p50);
      }
      const markdown = renderReport(
        {
          date: new Date().toISOString(),
          options: { seconds: 1, connections: [2], families: FAMILIES, seed: 'smoke-test' },
          seed: { families: FAMILIES, seed: 'smoke-test', asOf: '2026-03-01', seconds: 1, phases: {} },
          postgres: '18',
          databaseSize: '1 MB',
          counts: summary.counts,
          period: fx.period,
          runs: [
            { scenario: '1', label: 'family page', server: 'API', result: apiRun, rssPeakMiB: 100 },
            { scenario: '2', label: 'agency inbox', server: 'ceiling', result: ceilingRun, rssPeakMiB: 50 },
          ],
          statements: [],
          breakdowns: [],
          apiIdleRssMiB: 90,
          apiPeakRssMiB: 100,
          minutes: 0.1,
        },
        '<!-- analysis -->\nkept\n<!-- /analysis -->',
      );
      expect(markdown).toContain('## Scenario 1');
      expect(markdown).toContain('kept');
      expect(markdown).toMatch(/\| 2 \| \d/);
    });
  });
});
