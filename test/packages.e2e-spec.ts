import { ConsentScope } from '../src/common/enums.js';
import {
  act,
  count,
  data,
  family,
  partnership,
  type Partnership,
  recordConsent,
  whileWithdrawing,
} from './support/referral-fixtures.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

const CREATE = `mutation($input: CreateSupportPackageInput!) {
  createSupportPackage(input: $input) { id status goals reviewDate createdAt closedAt
    leadProfessional { id } family { id }
    referrals { id reference status receivedAt service { id } agency { id } children { id } } } }`;
const CLOSE = `mutation($id: ID!) { closeSupportPackage(id: $id) { id status closedAt } }`;
const INBOX = `{ referrals(first: 100) { totalCount nodes { id status service { name } children { givenName }
  family { name reference members { givenName } packages { id } } } } }`;

const futureDate = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('support packages', () => {
  let t: TestApp;
  let p: Partnership;
  beforeAll(async () => {
    t = await startTestApp('packages');
    p = await partnership(t);
  });
  afterAll(() => t.close());

  const items = (f: Awaited<ReturnType<typeof family>>) => [
    { serviceId: p.services.slt.id, childIds: [f.james.id], reason: 'Speech delay at 4', urgency: 'URGENT' },
    { serviceId: p.services.healthVisiting.id, childIds: [f.april.id], reason: 'Feeding and sleep support' },
    {
      serviceId: p.services.nurture.id,
      childIds: [f.lilly.id],
      reason: 'Struggling at school after the move',
    },
    {
      serviceId: p.services.familyOutreach.id,
      childIds: [f.james.id, f.april.id, f.lilly.id],
      reason: 'Parenting support at home',
    },
  ];

  it('sends no item of a package on a consent whose withdrawal commits while it is being created', async () => {
    const f = await family(t, p);
    const res = await whileWithdrawing(t, f.id, () =>
      t.gql(CREATE, { input: { familyId: f.id, goals: ['Support'], items: items(f) } }, p.lead.token),
    );
    expect(codeOf(res)).toBe('CONSENT_REQUIRED');
    expect(await count(t.db, 'support_packages WHERE family_id = $1', [f.id])).toBe(0);
    expect(await count(t.db, 'referrals WHERE family_id = $1', [f.id])).toBe(0);
  });

  it('works the Chichester example end to end: one package, three agencies, each sees only its own', async () => {
    const f = await family(t, p);
    const res = await t.gql(
      CREATE,
      {
        input: {
          familyId: f.id,
          goals: ['  James is understood at nursery ', 'Lilly settles at school'],
          reviewDate: futureDate(90),
          items: items(f),
        },
      },
      p.lead.token,
    );
    const pkg = data(res, 'createSupportPackage');
    expect(pkg).toMatchObject({
      status: 'ACTIVE',
      goals: ['James is understood at nursery', 'Lilly settles at school'],
      reviewDate: futureDate(90),
      closedAt: null,
      leadProfessional: { id: p.lead.id },
      family: { id: f.id },
    });
    expect(pkg.referrals).toHaveLength(4);
    // In the order of the items, here and through the family.
    const itemOrder = items(f).map((i: { serviceId: string }) => i.serviceId);
    expect(pkg.referrals.map((r: { service: { id: string } }) => r.service.id)).toEqual(itemOrder);
    const familyReferrals = data(
      await t.gql(
        'query($id: ID!) { family(id: $id) { referrals { service { id } } } }',
        { id: f.id },
        p.lead.token,
      ),
      'family',
    ).referrals;
    expect(familyReferrals.map((r: { service: { id: string } }) => r.service.id)).toEqual(itemOrder);
    expect(
      pkg.referrals.every((r: { status: string; receivedAt: string }) => r.status === 'SENT' && r.receivedAt),
    ).toBe(true);
    expect(new Set(pkg.referrals.map((r: { agency: { id: string } }) => r.agency.id)).size).toBe(3);

    // Each agency's inbox holds only its own referrals of the family, with the family's basics.
    const school = data(await t.gql(INBOX, {}, p.schoolStaff.token), 'referrals');
    expect(school.totalCount).toBe(1);
    expect(school.nodes[0]).toMatchObject({
      service: { name: 'Nurture group' },
      children: [{ givenName: 'Lilly' }],
      family: { name: 'Chichester family', reference: f.reference, packages: [] },
    });
    expect(school.nodes[0].family.members).toHaveLength(4);
    const health = data(await t.gql(INBOX, {}, p.healthStaff.token), 'referrals');
    expect(health.nodes.map((n: { service: { name: string } }) => n.service.name)).toEqual([
      'Speech and language therapy',
      'Health visiting',
    ]);
    const outreach = data(await t.gql(INBOX, {}, p.outreachStaff.token), 'referrals');
    expect(outreach.totalCount).toBe(1);

    // Speech and language therapy accepts and starts; the nurture group declines.
    const sltId = pkg.referrals.find(
      (r: { service: { id: string } }) => r.service.id === p.services.slt.id,
    ).id;
    const nurtureId = pkg.referrals.find(
      (r: { service: { id: string } }) => r.service.id === p.services.nurture.id,
    ).id;
    expect(data(await act(t, 'accept', p.healthStaff.token, sltId), 'acceptReferral').status).toBe(
      'ACCEPTED',
    );
    const started = data(await act(t, 'start', p.healthStaff.token, sltId), 'startReferral');
    expect(started).toMatchObject({ status: 'STARTED', waitingDays: 0 });
    const declined = data(
      await act(t, 'decline', p.schoolStaff.token, nurtureId, { note: 'Group full this term' }),
      'declineReferral',
    );
    expect(declined).toMatchObject({
      status: 'DECLINED',
      declineReason: 'Group full this term',
      waitingDays: null,
    });
    // The school cannot act on the health agency's referral, nor see it.
    expect(codeOf(await act(t, 'accept', p.schoolStaff.token, sltId))).toBe('NOT_FOUND');

    // The lead professional sees the whole package through the family.
    const view = await t.gql(
      `query($id: ID!) { family(id: $id) { packages { id status referrals { status service { name } events { status } } } } }`,
      { id: f.id },
      p.lead.token,
    );
    const [seen] = data(view, 'family').packages;
    expect(seen.id).toBe(pkg.id);
    // Created and sent at one clock reading, the timeline still reads DRAFT then SENT.
    const outreachTimeline = seen.referrals.find(
      (r: { service: { name: string } }) => r.service.name === 'Family outreach support',
    );
    expect(outreachTimeline.events.map((e: { status: string }) => e.status)).toEqual(['DRAFT', 'SENT']);
    expect(seen.referrals.map((r: { status: string }) => r.status).sort()).toEqual(
      ['DECLINED', 'SENT', 'SENT', 'STARTED'].sort(),
    );
  });

  it('creates nothing when one item fails consent, and names the item', async () => {
    const f = await family(t, p, { consent: false });
    await recordConsent(t.db, {
      familyId: f.id,
      givenByMemberId: f.parent.id,
      recordedById: p.lead.id,
      scope: ConsentScope.SPECIFIC_AGENCIES,
      agencyIds: [p.agencies.health.id, p.agencies.outreach.id],
    });
    const before = {
      referrals: await count(t.db, 'referrals'),
      packages: await count(t.db, 'support_packages'),
      events: await count(t.db, 'referral_events'),
      children: await count(t.db, 'referral_children'),
    };
    const res = await t.gql(
      CREATE,
      { input: { familyId: f.id, goals: ['Goal'], items: items(f) } },
      p.lead.token,
    );
    expect(codeOf(res)).toBe('CONSENT_REQUIRED');
    expect(res.errors![0].message).toContain('items[2]');
    expect(res.errors![0].message).toContain(p.services.nurture.id);
    expect(res.errors![0].extensions!.details).toMatchObject({
      itemIndex: 2,
      serviceId: p.services.nurture.id,
    });
    expect(res.errors![0].message).not.toMatch(/Lilly|Brown|Chichester/);
    expect({
      referrals: await count(t.db, 'referrals'),
      packages: await count(t.db, 'support_packages'),
      events: await count(t.db, 'referral_events'),
      children: await count(t.db, 'referral_children'),
    }).toEqual(before);
    // Without sending, consent is not needed yet: the drafts are created.
    const drafts = data(
      await t.gql(
        CREATE,
        { input: { familyId: f.id, goals: ['Goal'], items: items(f), send: false } },
        p.lead.token,
      ),
      'createSupportPackage',
    );
    expect(drafts.referrals.map((r: { status: string }) => r.status)).toEqual([
      'DRAFT',
      'DRAFT',
      'DRAFT',
      'DRAFT',
    ]);
    expect(await count(t.db, 'referrals')).toBe(before.referrals + 4);
  });

  it('creates nothing when one item fails eligibility or names a child of another family', async () => {
    const f = await family(t, p);
    const other = await family(t, p);
    const before = await count(t.db, 'referrals');
    const tooYoung = [
      ...items(f).slice(0, 2),
      { serviceId: p.services.slt.id, childIds: [f.april.id], reason: 'r' },
    ];
    const res = await t.gql(
      CREATE,
      { input: { familyId: f.id, goals: ['Goal'], items: tooYoung } },
      p.lead.token,
    );
    expect(codeOf(res)).toBe('NOT_ELIGIBLE');
    expect(res.errors![0].extensions!.details).toMatchObject({ itemIndex: 2, rule: 'AGE' });
    const stranger = [items(f)[0], { serviceId: p.services.slt.id, childIds: [other.james.id], reason: 'r' }];
    const res2 = await t.gql(
      CREATE,
      { input: { familyId: f.id, goals: ['Goal'], items: stranger } },
      p.lead.token,
    );
    expect(codeOf(res2)).toBe('BAD_USER_INPUT');
    expect(res2.errors![0].extensions!.details).toMatchObject({ itemIndex: 1 });
    expect(await count(t.db, 'referrals')).toBe(before);
    expect(await count(t.db, 'support_packages WHERE family_id = $1', [f.id])).toBe(0);
  });

  it('validates goals, items and the review date, and who may create', async () => {
    const f = await family(t, p);
    const ok = { familyId: f.id, goals: ['Goal'], items: items(f).slice(0, 1) };
    const bad = [
      { ...ok, goals: [] },
      { ...ok, goals: ['Goal', '   '] },
      { ...ok, items: [] },
      { ...ok, reviewDate: '2020-01-01' },
    ];
    for (const input of bad) {
      expect(codeOf(await t.gql(CREATE, { input }, p.lead.token))).toBe('BAD_USER_INPUT');
    }
    expect(codeOf(await t.gql(CREATE, { input: ok }, p.lead2.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(CREATE, { input: ok }, p.board.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CREATE, { input: ok }, p.healthStaff.token))).toBe('NOT_FOUND');
    const byAdmin = data(await t.gql(CREATE, { input: ok }, p.admin.token), 'createSupportPackage');
    // The package is coordinated by the family's current lead professional, whoever created it.
    expect(byAdmin.leadProfessional.id).toBe(p.lead.id);
    // Agency staff who can see the family are refused with FORBIDDEN.
    expect(codeOf(await t.gql(CREATE, { input: ok }, p.healthStaff.token))).toBe('FORBIDDEN');
  });

  it('is idempotent per user, also under concurrent retries', async () => {
    const f = await family(t, p);
    const input = { familyId: f.id, goals: ['Goal'], items: items(f), idempotencyKey: 'pkg-1' };
    const results = await Promise.all(
      Array.from({ length: 8 }, () => t.gql(CREATE, { input }, p.lead.token)),
    );
    const ids = new Set(results.map((r) => data(r, 'createSupportPackage').id));
    expect(ids.size).toBe(1);
    expect(await count(t.db, 'support_packages WHERE family_id = $1', [f.id])).toBe(1);
    expect(await count(t.db, 'referrals WHERE family_id = $1', [f.id])).toBe(4);
    const changed = await t.gql(CREATE, { input: { ...input, goals: ['Other goal'] } }, p.lead.token);
    expect(codeOf(changed)).toBe('CONFLICT');
  });

  it('closes once, by the lead professional or an admin', async () => {
    const f = await family(t, p);
    const pkg = data(
      await t.gql(
        CREATE,
        { input: { familyId: f.id, goals: ['Goal'], items: items(f).slice(0, 1) } },
        p.lead.token,
      ),
      'createSupportPackage',
    );
    expect(codeOf(await t.gql(CLOSE, { id: pkg.id }, p.healthStaff.token))).toBe('FORBIDDEN');
    expect(codeOf(await t.gql(CLOSE, { id: pkg.id }, p.schoolStaff.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(CLOSE, { id: pkg.id }, p.lead2.token))).toBe('NOT_FOUND');
    expect(codeOf(await t.gql(CLOSE, { id: 'nope' }, p.lead.token))).toBe('NOT_FOUND');
    const closed = data(await t.gql(CLOSE, { id: pkg.id }, p.lead.token), 'closeSupportPackage');
    expect(closed.status).toBe('CLOSED');
    expect(closed.closedAt).not.toBeNull();
    const twice = await t.gql(CLOSE, { id: pkg.id }, p.admin.token);
    expect(codeOf(twice)).toBe('CONFLICT');
    expect(
      await count(t.db, `audit_events WHERE action = 'package.close' AND entity_id = $1`, [pkg.id]),
    ).toBe(1);
    const [a, b] = await Promise.all([
      t.gql(CLOSE, { id: pkg.id }, p.admin.token),
      t.gql(CLOSE, { id: pkg.id }, p.lead.token),
    ]);
    expect([codeOf(a), codeOf(b)]).toEqual(['CONFLICT', 'CONFLICT']);
  });
});
