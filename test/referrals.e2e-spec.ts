import { Role } from '../src/common/enums.js';
import { createUser } from './support/factories.js';
import {
  act,
  type Action,
  CREATE_REFERRAL,
  count,
  data,
  draft,
  family,
  partnership,
  type Partnership,
  READ_REFERRAL,
  referralIn,
} from './support/referral-fixtures.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('referral state machine through the API', () => {
  let t: TestApp;
  let p: Partnership;
  beforeAll(async () => {
    t = await startTestApp('referrals');
    p = await partnership(t);
  });
  afterAll(() => t.close());

  describe('createReferral', () => {
    it('lets the lead professional and an admin create drafts with a reference, children and a DRAFT event', async () => {
      const f = await family(t, p);
      const byLead = await draft(t, p.lead.token, {
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.james.id],
        urgency: 'URGENT',
      });
      expect(byLead).toMatchObject({ status: 'DRAFT', version: 1, urgency: 'URGENT', receivedAt: null });
      expect(byLead.reference).toMatch(/^REF-\d{6}$/);
      expect(byLead.waitingDays).toBeNull();
      const byAdmin = await draft(t, p.admin.token, {
        familyId: f.id,
        serviceId: p.services.healthVisiting.id,
        childIds: [f.april.id],
      });
      expect(byAdmin.status).toBe('DRAFT');
      expect(byAdmin.reference).not.toBe(byLead.reference);
      const read = await t.gql(
        `query($id: ID!) { referral(id: $id) { urgency children { id } service { id } agency { id }
          referredBy { id } family { id } events { status at actor { id } note } } }`,
        { id: byLead.id },
        p.lead.token,
      );
      expect(data(read, 'referral')).toEqual({
        urgency: 'URGENT',
        children: [{ id: f.james.id }],
        service: { id: p.services.slt.id },
        agency: { id: p.agencies.health.id },
        referredBy: { id: p.lead.id },
        family: { id: f.id },
        events: [{ status: 'DRAFT', at: byLead.createdAt, actor: { id: p.lead.id }, note: null }],
      });
      expect(
        await count(t.db, `audit_events WHERE action = 'referral.create' AND entity_id = $1`, [byLead.id]),
      ).toBe(1);
      // Time-ordered ids (UUID version 7) for the referral and its events: index inserts stay local.
      const { rows: ids } = await t.db.query(
        'SELECT r.id::text AS referral, e.id::text AS event FROM referrals r JOIN referral_events e ON e.referral_id = r.id WHERE r.id = ANY($1::uuid[]) ORDER BY r.created_at',
        [[byLead.id, byAdmin.id]],
      );
      expect(ids.map((r: { referral: string }) => r.referral)).toEqual([byLead.id, byAdmin.id]);
      for (const row of ids) for (const id of [row.referral, row.event]) expect(id[14]).toBe('7');
      expect(byLead.id < byAdmin.id).toBe(true);
    });

    it('refuses agency staff who see the family (FORBIDDEN), others who do not (NOT_FOUND) and board members', async () => {
      const { family: f } = await referralIn(t, p, 'SENT');
      const input = { familyId: f.id, serviceId: p.services.slt.id, childIds: [f.james.id], reason: 'Again' };
      expect(codeOf(await t.gql(CREATE_REFERRAL, { input }, p.healthStaff.token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(CREATE_REFERRAL, { input }, p.schoolStaff.token))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(CREATE_REFERRAL, { input }, p.lead2.token))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(CREATE_REFERRAL, { input }, p.board.token))).toBe('FORBIDDEN');
      const missing = { ...input, familyId: '00000000-0000-4000-8000-000000000000' };
      expect(codeOf(await t.gql(CREATE_REFERRAL, { input: missing }, p.lead.token))).toBe('NOT_FOUND');
      expect(
        codeOf(await t.gql(CREATE_REFERRAL, { input: { ...input, familyId: 'nope' } }, p.lead.token)),
      ).toBe('NOT_FOUND');
      expect(await count(t.db, 'referrals WHERE family_id = $1', [f.id])).toBe(1);
    });

    it('validates the input: empty or long reason, unknown service', async () => {
      const f = await family(t, p);
      const base = { familyId: f.id, serviceId: p.services.slt.id, childIds: [f.james.id] };
      for (const reason of ['   ', 'x'.repeat(2001)]) {
        expect(codeOf(await t.gql(CREATE_REFERRAL, { input: { ...base, reason } }, p.lead.token))).toBe(
          'BAD_USER_INPUT',
        );
      }
      const unknown = { ...base, reason: 'r', serviceId: '00000000-0000-4000-8000-000000000000' };
      expect(codeOf(await t.gql(CREATE_REFERRAL, { input: unknown }, p.lead.token))).toBe('BAD_USER_INPUT');
      expect(await count(t.db, 'referrals WHERE family_id = $1', [f.id])).toBe(0);
    });
  });

  describe('allowed and refused roles for every transition', () => {
    it('send: the lead professional, the referrer after a handover, an admin; not agency staff', async () => {
      const a = await referralIn(t, p, 'DRAFT');
      expect(codeOf(await act(t, 'send', p.healthStaff.token, a.referral.id))).toBe('NOT_FOUND'); // drafts are hidden
      expect(codeOf(await act(t, 'send', p.lead2.token, a.referral.id))).toBe('NOT_FOUND');
      expect(codeOf(await act(t, 'send', p.board.token, a.referral.id))).toBe('FORBIDDEN');
      expect(data(await act(t, 'send', p.lead.token, a.referral.id), 'sendReferral').status).toBe('SENT');
      // Visible to the receiving agency now, but still not theirs to send.
      const b = await referralIn(t, p, 'DRAFT');
      await act(t, 'send', p.admin.token, b.referral.id).then((r) =>
        expect(data(r, 'sendReferral').status).toBe('SENT'),
      );
      // The referrer keeps the right after handing the family over.
      const c = await referralIn(t, p, 'DRAFT');
      await t.db.query('UPDATE families SET lead_professional_id = $2 WHERE id = $1', [
        c.family.id,
        p.lead2.id,
      ]);
      expect(data(await act(t, 'send', p.lead.token, c.referral.id), 'sendReferral').status).toBe('SENT');
      // The new lead professional may send a draft the previous one made.
      const e = await referralIn(t, p, 'DRAFT');
      await t.db.query('UPDATE families SET lead_professional_id = $2 WHERE id = $1', [
        e.family.id,
        p.lead2.id,
      ]);
      expect(data(await act(t, 'send', p.lead2.token, e.referral.id), 'sendReferral').status).toBe('SENT');
    });

    it.each<[Action, 'SENT' | 'ACCEPTED' | 'STARTED', string]>([
      ['accept', 'SENT', 'ACCEPTED'],
      ['decline', 'SENT', 'DECLINED'],
      ['start', 'ACCEPTED', 'STARTED'],
      ['complete', 'STARTED', 'COMPLETED'],
    ])(
      '%s: staff of the receiving agency and admins; lead FORBIDDEN, other agency NOT_FOUND',
      async (action, from, to) => {
        const field = `${action}Referral`;
        const one = await referralIn(t, p, from);
        expect(codeOf(await act(t, action, p.lead.token, one.referral.id))).toBe('FORBIDDEN');
        expect(codeOf(await act(t, action, p.schoolStaff.token, one.referral.id))).toBe('NOT_FOUND');
        expect(codeOf(await act(t, action, p.board.token, one.referral.id))).toBe('FORBIDDEN');
        const staff = data(
          await act(t, action, p.healthStaff2.token, one.referral.id, { note: 'Noted' }),
          field,
        );
        expect(staff.status).toBe(to);
        const two = await referralIn(t, p, from);
        expect(data(await act(t, action, p.admin.token, two.referral.id), field).status).toBe(to);
      },
    );

    it('withdraw: from DRAFT, SENT and ACCEPTED by the lead, the referrer or an admin; agency staff FORBIDDEN', async () => {
      for (const from of ['DRAFT', 'SENT', 'ACCEPTED'] as const) {
        const { referral } = await referralIn(t, p, from);
        const res = await act(t, 'withdraw', p.lead.token, referral.id, { note: ' Family moved away ' });
        expect(data(res, 'withdrawReferral')).toMatchObject({
          status: 'WITHDRAWN',
          withdrawReason: 'Family moved away',
          waitingDays: null,
        });
        expect(data(res, 'withdrawReferral').closedAt).not.toBeNull();
      }
      const sent = await referralIn(t, p, 'SENT');
      expect(codeOf(await act(t, 'withdraw', p.healthStaff.token, sent.referral.id))).toBe('FORBIDDEN');
      expect(codeOf(await act(t, 'withdraw', p.schoolStaff.token, sent.referral.id))).toBe('NOT_FOUND');
      expect(data(await act(t, 'withdraw', p.admin.token, sent.referral.id), 'withdrawReferral').status).toBe(
        'WITHDRAWN',
      );
      const handed = await referralIn(t, p, 'SENT');
      await t.db.query('UPDATE families SET lead_professional_id = $2 WHERE id = $1', [
        handed.family.id,
        p.lead2.id,
      ]);
      expect(
        data(await act(t, 'withdraw', p.lead.token, handed.referral.id), 'withdrawReferral').status,
      ).toBe('WITHDRAWN');
    });

    it('requires a non-empty reason or outcome', async () => {
      const { referral } = await referralIn(t, p, 'SENT');
      expect(codeOf(await act(t, 'decline', p.healthStaff.token, referral.id, { note: '  ' }))).toBe(
        'BAD_USER_INPUT',
      );
      expect(codeOf(await act(t, 'withdraw', p.lead.token, referral.id, { note: 'x'.repeat(2001) }))).toBe(
        'BAD_USER_INPUT',
      );
    });
  });

  describe('CONFLICT paths', () => {
    const actions: Action[] = ['send', 'accept', 'decline', 'start', 'complete', 'withdraw'];
    const allowed: Record<string, Action[]> = {
      DRAFT: ['send', 'withdraw'],
      SENT: ['accept', 'decline', 'withdraw'],
      ACCEPTED: ['start', 'withdraw'],
      STARTED: ['complete'],
      DECLINED: [],
      COMPLETED: [],
      WITHDRAWN: [],
    };

    it.each(Object.keys(allowed))(
      'refuses every other transition from %s, naming the status',
      async (status) => {
        const { referral } = await referralIn(t, p, status as 'DRAFT');
        for (const action of actions.filter((a) => !allowed[status].includes(a))) {
          // An admin may do anything the state allows, so only the state can refuse.
          const res = await act(t, action, p.admin.token, referral.id);
          expect({ action, code: codeOf(res) }).toEqual({ action, code: 'CONFLICT' });
          expect(res.errors![0].message).toContain(status);
        }
        const row = (await t.db.query('SELECT status, version FROM referrals WHERE id = $1', [referral.id]))
          .rows[0];
        expect(row.status).toBe(status);
        expect(await count(t.db, 'referral_events WHERE referral_id = $1', [referral.id])).toBe(row.version);
      },
    );

    it('checks expectedVersion and increments version on every transition', async () => {
      const { referral } = await referralIn(t, p, 'DRAFT');
      const stale = await act(t, 'send', p.lead.token, referral.id, { v: 2 });
      expect(codeOf(stale)).toBe('CONFLICT');
      expect(stale.errors![0].message).toContain('DRAFT');
      const sent = data(await act(t, 'send', p.lead.token, referral.id, { v: 1 }), 'sendReferral');
      expect(sent.version).toBe(2);
      expect(codeOf(await act(t, 'accept', p.healthStaff.token, referral.id, { v: 1 }))).toBe('CONFLICT');
      const accepted = data(
        await act(t, 'accept', p.healthStaff.token, referral.id, { v: 2 }),
        'acceptReferral',
      );
      expect(accepted.version).toBe(3);
      expect(data(await act(t, 'start', p.healthStaff.token, referral.id), 'startReferral').version).toBe(4);
    });
  });

  describe('occurredAt and the clock', () => {
    it('refuses occurredAt in the future beyond two minutes of clock skew', async () => {
      const { referral } = await referralIn(t, p, 'DRAFT');
      const res = await act(t, 'send', p.lead.token, referral.id, { at: iso(Date.now() + 5 * 60_000) });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(res.errors![0].message).toMatch(/occurredAt/);
      const skewed = await act(t, 'send', p.lead.token, referral.id, { at: iso(Date.now() + 60_000) });
      expect(data(skewed, 'sendReferral').status).toBe('SENT');
    });

    it('stores every stamp exactly as given and keeps them in order', async () => {
      const { referral } = await referralIn(t, p, 'DRAFT');
      const received = iso(Date.now() - 10 * DAY + 123); // before the draft was created: a paper referral
      const sent = data(await act(t, 'send', p.lead.token, referral.id, { at: received }), 'sendReferral');
      expect(sent.receivedAt).toBe(received);
      expect(sent.waitingDays).toBeGreaterThanOrEqual(9);
      const beforeReceipt = await act(t, 'accept', p.healthStaff.token, referral.id, {
        at: iso(Date.parse(received) - 1),
      });
      expect(codeOf(beforeReceipt)).toBe('BAD_USER_INPUT');
      expect(beforeReceipt.errors![0].message).toMatch(/receivedAt/);
      const decided = iso(Date.parse(received) + 2 * DAY + 7);
      expect(
        data(await act(t, 'accept', p.healthStaff.token, referral.id, { at: decided }), 'acceptReferral')
          .decidedAt,
      ).toBe(decided);
      expect(
        codeOf(
          await act(t, 'start', p.healthStaff.token, referral.id, { at: iso(Date.parse(decided) - DAY) }),
        ),
      ).toBe('BAD_USER_INPUT');
      const started = iso(Date.parse(decided) + 3 * DAY + 999);
      const s = data(
        await act(t, 'start', p.healthStaff.token, referral.id, { at: started }),
        'startReferral',
      );
      expect(s.startedAt).toBe(started);
      expect(s.waitingDays).toBeGreaterThanOrEqual(5);
      expect(s.waitingDays).toBeLessThanOrEqual(6);
      expect(
        codeOf(
          await act(t, 'complete', p.healthStaff.token, referral.id, { at: iso(Date.parse(started) - 1) }),
        ),
      ).toBe('BAD_USER_INPUT');
      const closed = data(
        await act(t, 'complete', p.healthStaff.token, referral.id, { at: started, note: 'Goals met' }),
        'completeReferral',
      );
      expect(closed).toMatchObject({ status: 'COMPLETED', closedAt: started, outcome: 'Goals met' });
      const read = data(await t.gql(READ_REFERRAL, { id: referral.id }, p.lead.token), 'referral');
      // Oldest first by the stamp: the back-dated steps come before the draft's creation today.
      expect(
        read.events.map((e: { status: string; at: string; note: string | null }) => [e.status, e.at, e.note]),
      ).toEqual([
        ['SENT', received, null],
        ['ACCEPTED', decided, null],
        ['STARTED', started, null],
        ['COMPLETED', started, 'Goals met'],
        ['DRAFT', referral.createdAt, null],
      ]);
      expect(read.events[1].actor.id).toBe(p.healthStaff.id);
    });

    it('does not accept a withdrawal dated before the decision', async () => {
      const { referral } = await referralIn(t, p, 'ACCEPTED');
      const row = (await t.db.query('SELECT decided_at FROM referrals WHERE id = $1', [referral.id])).rows[0];
      const res = await act(t, 'withdraw', p.lead.token, referral.id, {
        at: iso(row.decided_at.getTime() - 1000),
      });
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(
        (await t.db.query('SELECT status FROM referrals WHERE id = $1', [referral.id])).rows[0].status,
      ).toBe('ACCEPTED');
    });
  });

  describe('reading one referral', () => {
    it('shows it to the lead, the referrer, admins and the receiving agency once sent; audits every read', async () => {
      const { referral, family: f } = await referralIn(t, p, 'DRAFT');
      expect(codeOf(await t.gql(READ_REFERRAL, { id: referral.id }, p.healthStaff.token))).toBe('NOT_FOUND');
      await act(t, 'send', p.lead.token, referral.id);
      for (const who of [p.lead, p.admin, p.healthStaff]) {
        expect(data(await t.gql(READ_REFERRAL, { id: referral.id }, who.token), 'referral').id).toBe(
          referral.id,
        );
      }
      expect(codeOf(await t.gql(READ_REFERRAL, { id: referral.id }, p.schoolStaff.token))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(READ_REFERRAL, { id: referral.id }, p.lead2.token))).toBe('NOT_FOUND');
      expect(codeOf(await t.gql(READ_REFERRAL, { id: referral.id }, p.board.token))).toBe('FORBIDDEN');
      expect(codeOf(await t.gql(READ_REFERRAL, { id: 'not-an-id' }, p.lead.token))).toBe('NOT_FOUND');
      const reads = await t.db.query(
        `SELECT action, actor_id FROM audit_events WHERE entity_id = $1 AND action LIKE 'referral.read%' ORDER BY id`,
        [referral.id],
      );
      expect(reads.rows.map((r) => r.action)).toEqual([
        'referral.read.denied',
        'referral.read',
        'referral.read',
        'referral.read',
        'referral.read.denied',
        'referral.read.denied',
        'referral.read.denied',
      ]);
      expect(reads.rows[3].actor_id).toBe(p.healthStaff.id);
      // The referrer keeps sight of it after handing the family over.
      await t.db.query('UPDATE families SET lead_professional_id = $2 WHERE id = $1', [f.id, p.lead2.id]);
      expect(data(await t.gql(READ_REFERRAL, { id: referral.id }, p.lead.token), 'referral').id).toBe(
        referral.id,
      );
    });

    it("gives agency staff the family's name, reference, area and members but nothing beyond their own referral", async () => {
      const f = await family(t, p);
      const slt = await draft(t, p.lead.token, {
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.james.id],
      });
      const nurture = await draft(t, p.lead.token, {
        familyId: f.id,
        serviceId: p.services.nurture.id,
        childIds: [f.lilly.id],
      });
      await act(t, 'send', p.lead.token, slt.id);
      await act(t, 'send', p.lead.token, nurture.id);
      const hv = await draft(t, p.lead.token, {
        familyId: f.id,
        serviceId: p.services.healthVisiting.id,
        childIds: [f.april.id],
      });
      const q = `query($id: ID!) { referral(id: $id) { family { id name reference area { id } members { id }
        consents { id } packages { id } leadProfessionalHistory { startedAt } referrals { id } } } }`;
      const seen = data(await t.gql(q, { id: slt.id }, p.healthStaff.token), 'referral').family;
      expect(seen).toMatchObject({
        id: f.id,
        reference: f.reference,
        area: { id: p.area.id },
        consents: [],
        packages: [],
      });
      expect(seen.members).toHaveLength(4);
      expect(seen.leadProfessionalHistory).toEqual([]);
      // The health visiting draft is the health agency's too, but not sent yet.
      expect(seen.referrals).toEqual([{ id: slt.id }]);
      const full = data(await t.gql(q, { id: slt.id }, p.lead.token), 'referral').family;
      expect(full.consents).toHaveLength(1);
      expect(full.referrals.map((r: { id: string }) => r.id).sort()).toEqual(
        [slt.id, nurture.id, hv.id].sort(),
      );
      const viaFamily = await t.gql(
        'query($id: ID!) { family(id: $id) { referrals { id } } }',
        { id: f.id },
        p.schoolStaff.token,
      );
      expect(data(viaFamily, 'family').referrals).toEqual([{ id: nurture.id }]);
    });

    it('shows each referral of a list as reading it alone does: a family page, the inbox and a single read', async () => {
      const f = await family(t, p);
      const { referral: started } = await referralIn(t, p, 'STARTED', { family: f });
      const { referral: sent } = await referralIn(t, p, 'SENT', { family: f });
      const drafted = await draft(t, p.lead.token, {
        familyId: f.id,
        serviceId: p.services.healthVisiting.id,
        childIds: [f.april.id],
      });
      const fields = `fragment R on Referral { id status service { id name } agency { id name }
        children { id givenName } family { id name reference } referredBy { id name }
        events { status at note actor { id name } } }`;
      const alone = async (id: string, token: string) =>
        data(
          await t.gql(`query($id: ID!) { referral(id: $id) { ...R } } ${fields}`, { id }, token),
          'referral',
        );
      const page = data(
        await t.gql(
          `query($id: ID!) { family(id: $id) { referrals { ...R } } } ${fields}`,
          { id: f.id },
          p.lead.token,
        ),
        'family',
      ).referrals;
      expect(page.map((r: { id: string }) => r.id)).toEqual([started.id, sent.id, drafted.id]);
      expect(page[0].events.map((e: { status: string }) => e.status)).toEqual([
        'DRAFT',
        'SENT',
        'ACCEPTED',
        'STARTED',
      ]);
      for (const listed of page) expect(listed).toEqual(await alone(listed.id, p.lead.token));
      const inbox = data(
        await t.gql(
          `query($f: ReferralFilter) { referrals(filter: $f) { edges { node { ...R } } } } ${fields}`,
          { f: { familyId: f.id } },
          p.healthStaff.token,
        ),
        'referrals',
      ).edges.map((e: { node: unknown }) => e.node);
      expect(inbox.map((r: { id: string }) => r.id).sort()).toEqual([started.id, sent.id].sort());
      for (const listed of inbox) expect(listed).toEqual(await alone(listed.id, p.healthStaff.token));
    });

    it('shows a former lead only the referrals they made through the family', async () => {
      const f = await family(t, p);
      const mine = await draft(t, p.lead.token, {
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.james.id],
      });
      await t.db.query('UPDATE families SET lead_professional_id = $2 WHERE id = $1', [f.id, p.lead2.id]);
      const theirs = await draft(t, p.lead2.token, {
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.lilly.id],
      });
      const q = `query($id: ID!) { referral(id: $id) { family { referrals { id } consents { id } } } }`;
      expect(data(await t.gql(q, { id: mine.id }, p.lead.token), 'referral').family).toEqual({
        referrals: [{ id: mine.id }],
        consents: [],
      });
      const current = data(await t.gql(q, { id: theirs.id }, p.lead2.token), 'referral').family;
      expect(current.referrals).toHaveLength(2);
    });
  });

  describe('the inbox', () => {
    it('restricts agency staff to their own agency whatever the filter, urgent first then oldest receipt', async () => {
      const inboxStaff = await createUser(t.db, {
        roles: [Role.AGENCY_STAFF],
        agencyId: p.agencies.outreach.id,
      });
      const token = t.tokenFor(inboxStaff.id);
      const f = await family(t, p);
      const send = async (urgency: string, daysAgo: number, serviceId = p.services.familyOutreach.id) => {
        const r = await draft(t, p.lead.token, {
          familyId: f.id,
          serviceId,
          childIds: [f.james.id],
          urgency,
        });
        return data(
          await act(t, 'send', p.lead.token, r.id, { at: iso(Date.now() - daysAgo * DAY) }),
          'sendReferral',
        );
      };
      const routineOld = await send('ROUTINE', 20);
      const urgentNew = await send('URGENT', 1);
      const routineNew = await send('ROUTINE', 2);
      const urgentOld = await send('URGENT', 5);
      const accepted = await send('ROUTINE', 30);
      await act(t, 'accept', token, accepted.id);
      await draft(t, p.lead.token, {
        familyId: f.id,
        serviceId: p.services.familyOutreach.id,
        childIds: [f.james.id],
      });
      const elsewhere = await send('URGENT', 40, p.services.slt.id);

      const list = `query($first: Int, $after: String, $filter: ReferralFilter) {
        referrals(first: $first, after: $after, filter: $filter) { totalCount
          edges { cursor node { id status agency { id } } } pageInfo { hasNextPage endCursor } } }`;
      const ids = (res: { data?: any }) =>
        res.data!.referrals.edges.map((e: { node: { id: string } }) => e.node.id);
      const inbox = await t.gql(list, { filter: { status: ['SENT'] } }, token);
      expect(ids(inbox)).toEqual([urgentOld.id, urgentNew.id, routineOld.id, routineNew.id]);
      expect(inbox.data!.referrals.totalCount).toBe(4);
      const all = await t.gql(list, {}, token);
      expect(ids(all)).toEqual([urgentOld.id, urgentNew.id, accepted.id, routineOld.id, routineNew.id]);
      // Another agency's id in the filter does not widen the view.
      const other = await t.gql(list, { filter: { agencyId: p.agencies.health.id } }, token);
      expect(other.data!.referrals).toMatchObject({ totalCount: 0, edges: [] });
      // The health agency's inbox holds its referral and none of the outreach ones.
      const health = await t.gql(list, { filter: { familyId: f.id } }, p.healthStaff.token);
      expect(ids(health)).toEqual([elsewhere.id]);
      // Keyset pages.
      const page1 = await t.gql(list, { first: 2 }, token);
      expect(ids(page1)).toEqual([urgentOld.id, urgentNew.id]);
      expect(page1.data!.referrals.pageInfo.hasNextPage).toBe(true);
      const page2 = await t.gql(list, { first: 2, after: page1.data!.referrals.pageInfo.endCursor }, token);
      expect(ids(page2)).toEqual([accepted.id, routineOld.id]);
      const page3 = await t.gql(list, { first: 2, after: page2.data!.referrals.pageInfo.endCursor }, token);
      expect(ids(page3)).toEqual([routineNew.id]);
      expect(page3.data!.referrals.pageInfo.hasNextPage).toBe(false);
      // Past the end: no rows, and still the filter's total.
      const page4 = await t.gql(list, { first: 2, after: page3.data!.referrals.pageInfo.endCursor }, token);
      expect(page4.data!.referrals).toMatchObject({ totalCount: 5, edges: [] });
      expect(page2.data!.referrals.totalCount).toBe(5);
      expect(codeOf(await t.gql(list, { first: 101 }, token))).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.gql(list, { after: 'garbage' }, token))).toBe('BAD_USER_INPUT');
      expect(codeOf(await t.gql(list, {}, p.board.token))).toBe('FORBIDDEN');
    });

    it('lists for a lead professional the referrals of families they lead and the ones they made', async () => {
      const f = await family(t, p, { lead: p.lead2 });
      const r = await draft(t, p.lead2.token, {
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.james.id],
      });
      const list = `query($filter: ReferralFilter) { referrals(first: 100, filter: $filter) { nodes { id } } }`;
      const of = async (token: string) =>
        data(await t.gql(list, { filter: { familyId: f.id } }, token), 'referrals').nodes.map(
          (n: { id: string }) => n.id,
        );
      expect(await of(p.lead2.token)).toEqual([r.id]);
      expect(await of(p.lead.token)).toEqual([]);
      expect(await of(p.admin.token)).toEqual([r.id]);
      expect(await of(p.healthStaff.token)).toEqual([]); // a draft
    });
  });
});
