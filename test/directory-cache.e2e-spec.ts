import { eventually } from './support/eventually.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';
import { ConsentScope } from '../src/common/enums.js';
import {
  data,
  partnership,
  recordConsent,
  referralIn,
  type Partnership,
} from './support/referral-fixtures.js';

const PAGE = `query($id: ID!) { family(id: $id) { id area { name }
  referrals { service { name } agency { name } } consents { agencies { name } } } }`;
const BARE = `query($id: ID!) { family(id: $id) { id referrals { id } consents { id } } }`;

describe('directory names read from memory, dropped on every change', () => {
  let t: TestApp;
  let p: Partnership;
  let familyId: string;
  const page = async () => data(await t.gql(PAGE, { id: familyId }, p.lead.token), 'family');
  const listenerBackends = async () =>
    Number(
      (
        await t.db.query(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND application_name = 'family-support-api-directory-listener'`,
        )
      ).rows[0].n,
    );

  beforeAll(async () => {
    t = await startTestApp('dircache');
    p = await partnership(t);
    const { family } = await referralIn(t, p, 'SENT');
    familyId = family.id;
    await recordConsent(t.db, {
      familyId,
      givenByMemberId: family.parent.id,
      recordedById: p.lead.id,
      scope: ConsentScope.SPECIFIC_AGENCIES,
      agencyIds: [p.agencies.school.id, p.agencies.outreach.id],
    });
  });
  afterAll(() => t.close());

  it('names areas, services and agencies without a statement once the directory is in memory', async () => {
    await page(); // reads the directory into memory
    const statementsFor = async (query: string) => {
      const before = t.statements();
      expect(codeOf(await t.gql(query, { id: familyId }, p.lead.token))).toBeUndefined();
      return t.statements() - before;
    };
    // The same family, referrals and consents, with and without their directory names.
    expect(await statementsFor(PAGE)).toBe(await statementsFor(BARE));
    const shown = await page();
    expect(shown.area.name).toBe('Chichester');
    expect(shown.referrals[0]).toEqual({
      service: { name: 'Speech and language therapy' },
      agency: { name: 'NHS trust' },
    });
    const named = shown.consents.map((c: { agencies: { name: string }[] }) =>
      c.agencies.map((a) => a.name).sort(),
    );
    expect(named).toEqual([[], ['Family centre', 'Primary school']]);
  });

  it("shows this process's own change at once", async () => {
    await page();
    const res = await t.gql(
      `mutation($id: ID!, $i: UpdateServiceInput!) { updateService(id: $id, input: $i) { name } }`,
      { id: p.services.slt.id, i: { name: 'Speech, language and communication' } },
      p.admin.token,
    );
    expect(data(res, 'updateService').name).toBe('Speech, language and communication');
    expect((await page()).referrals[0].service.name).toBe('Speech, language and communication');
  });

  it('shows a change made by another writer once PostgreSQL reports it', async () => {
    await page();
    await t.db.query('UPDATE agencies SET name = $1 WHERE id = $2', [
      'NHS community trust',
      p.agencies.health.id,
    ]);
    const shown = await eventually(page, (f) => f.referrals[0].agency.name === 'NHS community trust');
    expect(shown.referrals[0].agency.name).toBe('NHS community trust');
  });

  it('answers rows created a moment ago, before their notification arrives', async () => {
    await page();
    const { rows } = await t.db.query(
      `WITH a AS (INSERT INTO areas (code, name, child_population) VALUES ('NEW1', 'Selsey', 5000) RETURNING id)
       UPDATE families SET area_id = (SELECT id FROM a) WHERE id = $1 RETURNING area_id`,
      [familyId],
    );
    expect(rows).toHaveLength(1);
    expect((await page()).area.name).toBe('Selsey');
  });

  it('reads the tables while its notification connection is down, and listens again after', async () => {
    await page();
    expect(await listenerBackends()).toBe(1);
    await t.db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'family-support-api-directory-listener'`,
    );
    await t.db.query('UPDATE areas SET name = $1 WHERE code = $2', ['Selsey Bill', 'NEW1']);
    // No notification can reach a dead connection: the fresh name comes from the tables.
    const shown = await eventually(page, (f) => f.area.name === 'Selsey Bill');
    expect(shown.area.name).toBe('Selsey Bill');
    expect(await eventually(listenerBackends, (n) => n === 1)).toBe(1);
    // Listening again: later changes by other writers are heard as before.
    await page();
    await t.db.query('UPDATE areas SET name = $1 WHERE code = $2', ['Selsey Peninsula', 'NEW1']);
    expect((await eventually(page, (f) => f.area.name === 'Selsey Peninsula')).area.name).toBe(
      'Selsey Peninsula',
    );
  });
});
