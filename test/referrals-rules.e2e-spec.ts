import { ConsentScope, MemberRole } from '../src/common/enums.js';
import { createFamily } from './support/factories.js';
import {
  act,
  CREATE_REFERRAL,
  count,
  data,
  dobForAge,
  draft,
  family,
  partnership,
  type Partnership,
  recordConsent,
  referralIn,
  whileWithdrawing,
} from './support/referral-fixtures.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const statusOf = async (t: TestApp, id: string) =>
  (await t.db.query('SELECT status FROM referrals WHERE id = $1', [id])).rows[0].status;

describe('referral rules: consent, eligibility, idempotency, races', () => {
  let t: TestApp;
  let p: Partnership;
  beforeAll(async () => {
    t = await startTestApp('referralrules');
    p = await partnership(t);
  });
  afterAll(() => t.close());

  const sltDraft = async (f: Awaited<ReturnType<typeof family>>, extra: Record<string, unknown> = {}) =>
    draft(t, p.lead.token, {
      familyId: f.id,
      serviceId: p.services.slt.id,
      childIds: [f.james.id],
      ...extra,
    });

  /** createReferral by the lead professional, answered as it comes (for refusals); reason 'r' unless given. */
  const tryCreate = (input: { familyId: string; serviceId: string; childIds: string[]; reason?: string }) =>
    t.gql(CREATE_REFERRAL, { input: { reason: 'r', ...input } }, p.lead.token);

  describe('consent at send time', () => {
    it('refuses a send without any consent and leaves the draft as it was', async () => {
      const f = await family(t, p, { consent: false });
      const r = await sltDraft(f);
      const res = await act(t, 'send', p.lead.token, r.id);
      expect(codeOf(res)).toBe('CONSENT_REQUIRED');
      expect(await statusOf(t, r.id)).toBe('DRAFT');
      expect(await count(t.db, 'referral_events WHERE referral_id = $1', [r.id])).toBe(1);
    });

    it('needs the consent to cover the receiving agency', async () => {
      const f = await family(t, p, { consent: false });
      await recordConsent(t.db, {
        familyId: f.id,
        givenByMemberId: f.parent.id,
        recordedById: p.lead.id,
        scope: ConsentScope.SPECIFIC_AGENCIES,
        agencyIds: [p.agencies.school.id],
      });
      const r = await sltDraft(f);
      expect(codeOf(await act(t, 'send', p.lead.token, r.id))).toBe('CONSENT_REQUIRED');
      await recordConsent(t.db, {
        familyId: f.id,
        givenByMemberId: f.parent.id,
        recordedById: p.lead.id,
        scope: ConsentScope.SPECIFIC_AGENCIES,
        agencyIds: [p.agencies.outreach.id, p.agencies.health.id],
      });
      expect(data(await act(t, 'send', p.lead.token, r.id), 'sendReferral').status).toBe('SENT');
    });

    it('refuses an expired consent', async () => {
      const f = await family(t, p, { consent: false });
      await recordConsent(t.db, {
        familyId: f.id,
        givenByMemberId: f.parent.id,
        recordedById: p.lead.id,
        givenAt: new Date(Date.now() - 400 * DAY),
        expiresAt: new Date(Date.now() - DAY),
      });
      const r = await sltDraft(f);
      expect(codeOf(await act(t, 'send', p.lead.token, r.id))).toBe('CONSENT_REQUIRED');
      // Dated while the consent was still in force, the send is allowed.
      expect(
        data(await act(t, 'send', p.lead.token, r.id, { at: iso(Date.now() - 2 * DAY) }), 'sendReferral')
          .status,
      ).toBe('SENT');
    });

    it('refuses a consent withdrawn before the send date, and one given after it', async () => {
      const f = await family(t, p, { consent: false });
      await recordConsent(t.db, {
        familyId: f.id,
        givenByMemberId: f.parent.id,
        recordedById: p.lead.id,
        givenAt: new Date(Date.now() - 20 * DAY),
        withdrawnAt: new Date(Date.now() - 5 * DAY),
      });
      const r = await sltDraft(f);
      expect(codeOf(await act(t, 'send', p.lead.token, r.id))).toBe('CONSENT_REQUIRED');
      expect(codeOf(await act(t, 'send', p.lead.token, r.id, { at: iso(Date.now() - 5 * DAY) }))).toBe(
        'CONSENT_REQUIRED',
      );
      expect(codeOf(await act(t, 'send', p.lead.token, r.id, { at: iso(Date.now() - 25 * DAY) }))).toBe(
        'CONSENT_REQUIRED',
      );
      expect(
        data(await act(t, 'send', p.lead.token, r.id, { at: iso(Date.now() - 6 * DAY) }), 'sendReferral')
          .status,
      ).toBe('SENT');
    });

    it('sends under the safeguarding exception, keeping and auditing the decision', async () => {
      const f = await family(t, p, { consent: false });
      const r = await sltDraft(f, { shareWithoutConsentReason: '  Risk of significant harm  ' });
      expect(r).toMatchObject({
        sharedWithoutConsent: true,
        sharedWithoutConsentReason: 'Risk of significant harm',
      });
      const sent = data(await act(t, 'send', p.lead.token, r.id), 'sendReferral');
      expect(sent).toMatchObject({ status: 'SENT', sharedWithoutConsent: true });
      const audit = await t.db.query(
        `SELECT action, details FROM audit_events WHERE entity_id = $1 ORDER BY id`,
        [r.id],
      );
      expect(audit.rows.map((a) => a.action)).toEqual([
        'referral.create',
        'referral.share_without_consent',
        'referral.send',
      ]);
      expect(audit.rows[0].details.sharedWithoutConsent).toBe(true);
      // The audit trail holds ids and flags, not the justification text.
      expect(JSON.stringify(audit.rows)).not.toContain('Risk of significant harm');
      const plain = await sltDraft(f);
      expect(plain.sharedWithoutConsent).toBe(false);
      expect(codeOf(await act(t, 'send', p.lead.token, plain.id))).toBe('CONSENT_REQUIRED');
    });

    it('records the safeguarding exception only with a send that happens', async () => {
      const f = await family(t, p, { consent: false });
      const r = await sltDraft(f, { shareWithoutConsentReason: 'Risk of significant harm' });
      const both = await Promise.all([
        act(t, 'send', p.lead.token, r.id),
        act(t, 'send', p.lead.token, r.id),
      ]);
      expect(both.filter((res) => !res.errors)).toHaveLength(1);
      expect(both.map(codeOf).filter(Boolean)).toEqual(['CONFLICT']);
      const audit = await t.db.query(`SELECT action FROM audit_events WHERE entity_id = $1 ORDER BY id`, [
        r.id,
      ]);
      expect(audit.rows.map((a) => a.action)).toEqual([
        'referral.create',
        'referral.share_without_consent',
        'referral.send',
      ]);
    });
    it('never sends on a consent whose withdrawal commits while the send is under way', async () => {
      const f = await family(t, p);
      const r = await sltDraft(f);
      const res = await whileWithdrawing(t, f.id, () => act(t, 'send', p.lead.token, r.id));
      expect(codeOf(res)).toBe('CONSENT_REQUIRED');
      expect(await statusOf(t, r.id)).toBe('DRAFT');
    });
  });

  describe('eligibility', () => {
    it('requires named CHILD members of this family', async () => {
      const f = await family(t, p);
      const other = await family(t, p);
      const input = (childIds: string[]) => ({
        input: { familyId: f.id, serviceId: p.services.slt.id, childIds, reason: 'r' },
      });
      for (const childIds of [
        [other.james.id],
        [f.parent.id],
        [],
        ['not-an-id'],
        [f.james.id, other.lilly.id],
      ]) {
        const res = await t.gql(CREATE_REFERRAL, input(childIds), p.lead.token);
        expect({ childIds, code: codeOf(res) }).toEqual({ childIds, code: 'BAD_USER_INPUT' });
      }
      const both = data(
        await t.gql(CREATE_REFERRAL, input([f.james.id, f.lilly.id, f.james.id]), p.lead.token),
        'createReferral',
      );
      expect(await count(t.db, 'referral_children WHERE referral_id = $1', [both.id])).toBe(2);
    });

    it('requires a service that is accepting referrals, at creation and again at send', async () => {
      const f = await family(t, p);
      const r = await sltDraft(f);
      await t.db.query('UPDATE services SET accepting_referrals = false WHERE id = $1', [p.services.slt.id]);
      try {
        const res = await tryCreate({ familyId: f.id, serviceId: p.services.slt.id, childIds: [f.james.id] });
        expect(codeOf(res)).toBe('NOT_ELIGIBLE');
        expect(codeOf(await act(t, 'send', p.lead.token, r.id))).toBe('NOT_ELIGIBLE');
        expect(await statusOf(t, r.id)).toBe('DRAFT');
      } finally {
        await t.db.query('UPDATE services SET accepting_referrals = true WHERE id = $1', [p.services.slt.id]);
      }
      expect(data(await act(t, 'send', p.lead.token, r.id), 'sendReferral').status).toBe('SENT');
    });

    it("requires the family's area among the service's areas unless it is offered everywhere", async () => {
      const away = await family(t, p, { areaId: p.otherArea.id });
      const res = await tryCreate({
        familyId: away.id,
        serviceId: p.services.nurture.id,
        childIds: [away.lilly.id],
      });
      expect(codeOf(res)).toBe('NOT_ELIGIBLE');
      expect(res.errors![0].extensions!.details).toMatchObject({ rule: 'AREA' });
      const everywhere = await draft(t, p.lead.token, {
        familyId: away.id,
        serviceId: p.services.familyOutreach.id,
        childIds: [away.lilly.id],
      });
      expect(everywhere.status).toBe('DRAFT');
      // The area check is repeated at send time.
      const home = await family(t, p);
      const r = await draft(t, p.lead.token, {
        familyId: home.id,
        serviceId: p.services.nurture.id,
        childIds: [home.lilly.id],
      });
      await t.db.query('UPDATE families SET area_id = $2 WHERE id = $1', [home.id, p.otherArea.id]);
      expect(codeOf(await act(t, 'send', p.lead.token, r.id))).toBe('NOT_ELIGIBLE');
    });

    it("checks each child's age in whole years, at creation against today and at send against the send date", async () => {
      const f = await family(t, p);
      // April (1) is too young for speech and language therapy (2 to 18).
      const young = await tryCreate({
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.james.id, f.april.id],
      });
      expect(codeOf(young)).toBe('NOT_ELIGIBLE');
      expect(young.errors![0].extensions!.details).toMatchObject({ rule: 'AGE', childIndex: 1 });
      // Lilly (8) is too old for health visiting (0 to 4).
      const old = await tryCreate({
        familyId: f.id,
        serviceId: p.services.healthVisiting.id,
        childIds: [f.lilly.id],
      });
      expect(codeOf(old)).toBe('NOT_ELIGIBLE');
      // A child who turned 2 three days ago: eligible today, not on a send dated five days back.
      const g = await createFamily(t.db, {
        areaId: p.area.id,
        leadProfessionalId: p.lead.id,
        members: [
          { role: MemberRole.PARENT_CARER },
          { role: MemberRole.CHILD, dateOfBirth: dobForAge(2, 3) },
          { role: MemberRole.CHILD, dateOfBirth: null },
        ],
      });
      await recordConsent(t.db, {
        familyId: g.id,
        givenByMemberId: g.members[0].id,
        recordedById: p.lead.id,
      });
      const r = await draft(t, p.lead.token, {
        familyId: g.id,
        serviceId: p.services.slt.id,
        childIds: [g.members[1].id, g.members[2].id],
      });
      const early = await act(t, 'send', p.lead.token, r.id, { at: iso(Date.now() - 5 * DAY) });
      expect(codeOf(early)).toBe('NOT_ELIGIBLE');
      expect(early.errors![0].extensions!.details).toMatchObject({ rule: 'AGE', childIndex: 0 });
      const onTime = await act(t, 'send', p.lead.token, r.id, { at: iso(Date.now() - 1 * DAY) });
      expect(data(onTime, 'sendReferral').status).toBe('SENT');
    });
  });

  describe('idempotent creation', () => {
    it('returns the first result for a retry, refuses another payload, and scopes keys per user', async () => {
      const f = await family(t, p);
      const input = {
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.james.id],
        reason: 'Speech delay',
        idempotencyKey: 'retry-1',
      };
      const first = data(await t.gql(CREATE_REFERRAL, { input }, p.lead.token), 'createReferral');
      const again = data(
        await t.gql(CREATE_REFERRAL, { input: { ...input, reason: '  Speech delay ' } }, p.lead.token),
        'createReferral',
      );
      expect(again.id).toBe(first.id);
      const other = await t.gql(
        CREATE_REFERRAL,
        { input: { ...input, reason: 'Something else' } },
        p.lead.token,
      );
      expect(codeOf(other)).toBe('CONFLICT');
      const byAdmin = data(await t.gql(CREATE_REFERRAL, { input }, p.admin.token), 'createReferral');
      expect(byAdmin.id).not.toBe(first.id);
      expect(await count(t.db, 'referrals WHERE family_id = $1', [f.id])).toBe(2);
      // Still the first result after the referral has moved on.
      await act(t, 'send', p.lead.token, first.id);
      const later = data(await t.gql(CREATE_REFERRAL, { input }, p.lead.token), 'createReferral');
      expect(later).toMatchObject({ id: first.id, status: 'SENT' });
    });

    it('creates exactly one referral under concurrent retries', async () => {
      const f = await family(t, p);
      const input = {
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.james.id],
        reason: 'Speech delay',
        idempotencyKey: 'burst-1',
      };
      const results = await Promise.all(
        Array.from({ length: 12 }, () => t.gql(CREATE_REFERRAL, { input }, p.lead.token)),
      );
      const ids = new Set(results.map((r) => data(r, 'createReferral').id));
      expect(ids.size).toBe(1);
      expect(await count(t.db, 'referrals WHERE family_id = $1', [f.id])).toBe(1);
      expect(
        await count(t.db, `audit_events WHERE action = 'referral.create' AND entity_id = $1`, [[...ids][0]]),
      ).toBe(1);
      expect(
        await count(t.db, 'idempotency_keys WHERE user_id = $1 AND key = $2', [p.lead.id, 'burst-1']),
      ).toBe(1);
    });

    it('does not keep the key of a failed create', async () => {
      const f = await family(t, p);
      const input = {
        familyId: f.id,
        serviceId: p.services.slt.id,
        childIds: [f.april.id],
        reason: 'r',
        idempotencyKey: 'fails',
      };
      expect(codeOf(await t.gql(CREATE_REFERRAL, { input }, p.lead.token))).toBe('NOT_ELIGIBLE');
      expect(
        await count(t.db, 'idempotency_keys WHERE user_id = $1 AND key = $2', [p.lead.id, 'fails']),
      ).toBe(0);
    });
  });

  describe('races', () => {
    it('lets exactly one of 50 concurrent accept/decline attempts win', async () => {
      const { referral } = await referralIn(t, p, 'SENT');
      const attempts = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          i % 2 === 0
            ? act(t, 'accept', p.healthStaff.token, referral.id)
            : act(t, 'decline', p.healthStaff2.token, referral.id, { note: 'No capacity' }),
        ),
      );
      const codes = attempts.map((r) => (r.errors ? codeOf(r) : 'OK'));
      expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
      expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(49);
      const row = (await t.db.query('SELECT status, version FROM referrals WHERE id = $1', [referral.id]))
        .rows[0];
      expect(['ACCEPTED', 'DECLINED']).toContain(row.status);
      expect(row.version).toBe(3);
      expect(
        await count(t.db, `referral_events WHERE referral_id = $1 AND status IN ('ACCEPTED', 'DECLINED')`, [
          referral.id,
        ]),
      ).toBe(1);
      expect(
        await count(
          t.db,
          `audit_events WHERE entity_id = $1 AND action IN ('referral.accept', 'referral.decline')`,
          [referral.id],
        ),
      ).toBe(1);
      const loser = attempts.find((r) => r.errors)!;
      expect(loser.errors![0].message).toContain(row.status);
    });

    it('lets one of two concurrent transitions with the same expectedVersion win', async () => {
      const { referral } = await referralIn(t, p, 'ACCEPTED');
      const [a, b] = await Promise.all([
        act(t, 'start', p.healthStaff.token, referral.id, { v: 3 }),
        act(t, 'withdraw', p.lead.token, referral.id, { v: 3 }),
      ]);
      expect([a, b].filter((r) => !r.errors)).toHaveLength(1);
      expect([a, b].map(codeOf).filter(Boolean)).toEqual(['CONFLICT']);
      expect(await count(t.db, 'referral_events WHERE referral_id = $1', [referral.id])).toBe(4);
    });
  });

  describe('writes', () => {
    it('writes each change with its children, event and audit row in one statement', async () => {
      const f = await family(t, p);
      await t.gql('{ me { id } }', {}, p.lead.token); // the first request of a sign-in reads the caller
      let before = t.statements();
      const r = await sltDraft(f, { childIds: [f.james.id, f.lilly.id] });
      // The caller is known from this sign-in's earlier request. The family with the service and
      // the children named, then the insert: no transaction.
      expect(t.statements() - before).toBe(2);
      before = t.statements();
      const sent = data(await act(t, 'send', p.lead.token, r.id), 'sendReferral');
      // BEGIN, the referral with its family, service, children and the consents it holds, the
      // update, COMMIT.
      expect(t.statements() - before).toBe(4);
      expect(await count(t.db, 'referral_children WHERE referral_id = $1', [r.id])).toBe(2);
      const events = await t.db.query(
        'SELECT status, at, actor_id FROM referral_events WHERE referral_id = $1 ORDER BY at, status',
        [r.id],
      );
      expect(events.rows.map((e) => [e.status, e.at.toISOString(), e.actor_id])).toEqual([
        ['DRAFT', r.createdAt, p.lead.id],
        ['SENT', sent.receivedAt, p.lead.id],
      ]);
      const audit = await t.db.query(
        'SELECT action, actor_id, request_id, details FROM audit_events WHERE entity_id = $1 ORDER BY id',
        [r.id],
      );
      expect(audit.rows).toEqual([
        {
          action: 'referral.create',
          actor_id: p.lead.id,
          request_id: expect.any(String),
          details: {
            familyId: f.id,
            serviceId: p.services.slt.id,
            agencyId: p.agencies.health.id,
            packageId: null,
            sharedWithoutConsent: false,
          },
        },
        {
          action: 'referral.send',
          actor_id: p.lead.id,
          request_id: expect.any(String),
          details: { familyId: f.id, from: 'DRAFT', to: 'SENT', version: 2 },
        },
      ]);
      expect(sent.version).toBe(2);
    });

    it("names the events' actors from the statement that reads the events", async () => {
      const { referral } = await referralIn(t, p, 'ACCEPTED');
      const read = async (eventFields: string) => {
        const before = t.statements();
        const res = await t.gql(
          `query($id: ID!) { referral(id: $id) { id events { status ${eventFields} } } }`,
          { id: referral.id },
          p.healthStaff2.token,
        );
        expect(res.errors).toBeUndefined();
        return { statements: t.statements() - before, events: res.data!.referral.events };
      };
      const bare = await read('');
      const named = await read('actor { id name roles agency { id } }');
      expect(named.statements).toBe(bare.statements);
      const names = new Map(
        (
          await t.db.query('SELECT id, name FROM users WHERE id = ANY($1)', [[p.lead.id, p.healthStaff.id]])
        ).rows.map((u) => [u.id, u.name]),
      );
      expect(named.events).toEqual([
        {
          status: 'DRAFT',
          actor: { id: p.lead.id, name: names.get(p.lead.id), roles: ['LEAD_PROFESSIONAL'], agency: null },
        },
        {
          status: 'SENT',
          actor: { id: p.lead.id, name: names.get(p.lead.id), roles: ['LEAD_PROFESSIONAL'], agency: null },
        },
        {
          status: 'ACCEPTED',
          actor: {
            id: p.healthStaff.id,
            name: names.get(p.healthStaff.id),
            roles: ['AGENCY_STAFF'],
            agency: { id: p.agencies.health.id },
          },
        },
      ]);
    });
  });
});
