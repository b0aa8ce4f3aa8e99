import { DEMO_EMAIL_DOMAIN } from '../src/modules/demo/demo-data.service.js';
import { act, data } from './support/referral-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const INBOX = `{ referrals(first: 100) { nodes { id status waitingDays service { name } children { givenName }
  family { id name members { givenName } packages { id } } } } }`;

/** The demo partnership that `npm start` loads carries the Chichester example, already under way. */
describe('demo data: the Brown family support package', () => {
  let t: TestApp;
  const token = async (key: string) => {
    const { rows } = await t.db.query('SELECT id FROM users WHERE email = $1', [
      `${key}@${DEMO_EMAIL_DOMAIN}`,
    ]);
    return t.tokenFor(rows[0].id);
  };
  beforeAll(async () => {
    t = await startTestApp('referralsdemo', { demoData: true });
  });
  afterAll(() => t.close());

  it('shows each agency only its own referrals and the lead professional the whole package', async () => {
    const school = data(await t.gql(INBOX, {}, await token('school')), 'referrals').nodes;
    expect(school).toHaveLength(1);
    expect(school[0]).toMatchObject({
      status: 'DECLINED',
      service: { name: 'Nurture group' },
      children: [{ givenName: 'Lilly' }],
      family: { name: 'Brown family', packages: [] },
    });
    const nhs = data(await t.gql(INBOX, {}, await token('slt')), 'referrals').nodes;
    expect(nhs.map((r: { status: string }) => r.status)).toEqual(['STARTED', 'SENT']);
    expect(nhs[0].waitingDays).toBe(17);
    const lead = await t.gql(
      `query($id: ID!) { family(id: $id) { packages { goals referrals { status agency { name } events { status } } } } }`,
      { id: school[0].family.id },
      await token('lead'),
    );
    const [pkg] = data(lead, 'family').packages;
    expect(pkg.referrals).toHaveLength(4);
    expect(new Set(pkg.referrals.map((r: { agency: { name: string } }) => r.agency.name)).size).toBe(3);
    expect(pkg.referrals[0].events.map((e: { status: string }) => e.status)).toEqual([
      'DRAFT',
      'SENT',
      'ACCEPTED',
      'STARTED',
    ]);
    // The waiting family outreach referral can be accepted by the family centre.
    const outreach = data(await t.gql(INBOX, {}, await token('outreach')), 'referrals').nodes;
    expect(outreach).toHaveLength(1);
    const accepted = data(await act(t, 'accept', await token('outreach'), outreach[0].id), 'acceptReferral');
    expect(accepted.status).toBe('ACCEPTED');
  });
});
