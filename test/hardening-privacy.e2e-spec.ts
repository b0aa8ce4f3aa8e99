import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Role } from '../src/common/enums.js';
import { createUser } from './support/factories.js';
import { partnership, type Partnership } from './support/referral-fixtures.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

// A file of its own: nestjs-pino keeps one root logger per module registry (per test file).
const LOG_FILE = join(resolve('.test-data'), `logs-${process.pid}`, 'hardening-privacy.log');
/** In every personal field; must never reach a log line (compared case-insensitively). */
const CANARY = 'Qz7Canary';
const CANARY_DOB = '2016-02-29';

describe('privacy: logs and the audit trail', () => {
  let t: TestApp;
  let p: Partnership;
  const ok = (res: { errors?: unknown[]; data?: unknown }, field: string) => {
    if (res.errors) throw new Error(`${field}: ${JSON.stringify(res.errors)}`);
    return (res.data as Record<string, any>)[field];
  };

  beforeAll(async () => {
    mkdirSync(join(resolve('.test-data'), `logs-${process.pid}`), { recursive: true });
    rmSync(LOG_FILE, { force: true });
    // The most verbose level the API has: whatever is logged at all is in this file.
    t = await startTestApp('hardpriv', { logLevel: 'trace', logFile: LOG_FILE });
    p = await partnership(t);
  });
  afterAll(async () => {
    await t.close();
    rmSync(LOG_FILE, { force: true });
  });

  it('never logs personal data, whether the operation succeeds or fails', async () => {
    const c = (label: string) => `${label} ${CANARY}`;
    const admin = p.admin.token;
    const lead = p.lead.token;

    // Directory and users.
    ok(
      await t.gql(
        'mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }',
        { i: { code: 'PRIV1', name: c('Area') } },
        admin,
      ),
      'createArea',
    );
    const dup = await t.gql(
      'mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }',
      { i: { code: 'PRIV1', name: c('Dup') } },
      admin,
    );
    expect(codeOf(dup)).toBe('CONFLICT');
    ok(
      await t.gql(
        'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
        {
          i: {
            email: `${CANARY.toLowerCase()}@example.test`,
            name: c('User'),
            password: c('Password'),
            roles: ['LEAD_PROFESSIONAL'],
          },
        },
        admin,
      ),
      'createUser',
    );
    expect(
      codeOf(
        await t.gql(
          'mutation($i: CreateUserInput!) { createUser(input: $i) { id } }',
          {
            i: {
              email: `${CANARY.toLowerCase()}@example.test`,
              name: c('Again'),
              password: c('Password'),
              roles: ['LEAD_PROFESSIONAL'],
            },
          },
          admin,
        ),
      ),
    ).toBe('CONFLICT');
    expect(
      codeOf(
        await t.gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
          e: `${CANARY.toLowerCase()}@example.test`,
          p: c('wrong'),
        }),
      ),
    ).toBe('UNAUTHENTICATED');

    // Families: names, dates of birth, reasons; and the same data refused.
    const fam = ok(
      await t.gql(
        'mutation($i: CreateFamilyInput!) { createFamily(input: $i) { id members { id role } } }',
        {
          i: {
            areaId: p.area.id,
            leadProfessionalId: p.lead.id,
            name: c('Family'),
            members: [
              { givenName: c('Parent'), familyName: CANARY, role: 'PARENT_CARER', dateOfBirth: '1985-01-01' },
              { givenName: c('Child'), familyName: CANARY, role: 'CHILD', dateOfBirth: CANARY_DOB },
            ],
          },
        },
        lead,
      ),
      'createFamily',
    );
    const parent = fam.members.find((m: { role: string }) => m.role === 'PARENT_CARER');
    const child = fam.members.find((m: { role: string }) => m.role === 'CHILD');
    ok(
      await t.gql(
        'mutation($f: ID!, $i: FamilyMemberInput!) { addFamilyMember(familyId: $f, input: $i) { id } }',
        {
          f: fam.id,
          i: { givenName: c('Sibling'), familyName: CANARY, role: 'CHILD', dateOfBirth: CANARY_DOB },
        },
        lead,
      ),
      'addFamilyMember',
    );
    for (const bad of [
      { givenName: c('Future'), familyName: CANARY, role: 'CHILD', dateOfBirth: '2999-01-01' },
      { givenName: c('Long').repeat(100), familyName: CANARY, role: 'CHILD' },
      { givenName: `${CANARY}\u0000`, familyName: CANARY, role: 'CHILD' },
      { givenName: c('Typed'), familyName: CANARY, role: CANARY },
    ]) {
      const res = await t.gql(
        'mutation($f: ID!, $i: FamilyMemberInput!) { addFamilyMember(familyId: $f, input: $i) { id } }',
        { f: fam.id, i: bad },
        lead,
      );
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
    }
    expect(
      codeOf(
        await t.gql(
          'mutation($f: ID!, $i: FamilyMemberInput!) { addFamilyMember(familyId: $f, input: $i) { id } }',
          {
            f: fam.id,
            i: { givenName: c('Nosy'), familyName: CANARY, role: 'CHILD' },
          },
          p.lead2.token,
        ),
      ),
    ).toBe('NOT_FOUND');
    ok(
      await t.gql(
        'mutation($f: ID!, $u: ID!, $r: String) { assignLeadProfessional(familyId: $f, userId: $u, reason: $r) { id } }',
        {
          f: fam.id,
          u: p.lead2.id,
          r: c('Handover reason'),
        },
        admin,
      ),
      'assignLeadProfessional',
    );
    const leadNow = p.lead2.token;
    const consent = ok(
      await t.gql(
        'mutation($f: ID!, $i: ConsentInput!) { recordConsent(familyId: $f, input: $i) { id } }',
        {
          f: fam.id,
          i: { givenByMemberId: parent.id, purpose: c('Purpose'), scope: 'ALL_PARTNERS' },
        },
        leadNow,
      ),
      'recordConsent',
    );
    await t.gql('query($s: String) { families(search: $s) { totalCount } }', { s: CANARY }, leadNow);
    await t.gql('query($s: String) { families(search: $s) { totalCount } }', { s: CANARY }, p.board.token);

    // Referrals and packages, including refused transitions.
    const referral = ok(
      await t.gql(
        'mutation($i: CreateReferralInput!) { createReferral(input: $i) { id version } }',
        {
          i: {
            familyId: fam.id,
            serviceId: p.services.familyOutreach.id,
            childIds: [child.id],
            reason: c('Referral reason'),
            idempotencyKey: c('key'),
          },
        },
        leadNow,
      ),
      'createReferral',
    );
    await t.gql('mutation($id: ID!) { sendReferral(id: $id) { id } }', { id: referral.id }, leadNow);
    await t.gql(
      'mutation($id: ID!, $r: String!) { declineReferral(id: $id, reason: $r) { id } }',
      { id: referral.id, r: c('Decline reason') },
      p.healthStaff.token,
    );
    await t.gql(
      'mutation($id: ID!, $r: String!) { declineReferral(id: $id, reason: $r) { id } }',
      { id: referral.id, r: c('Decline reason') },
      p.outreachStaff.token,
    );
    await t.gql(
      'mutation($id: ID!, $r: String!) { withdrawReferral(id: $id, reason: $r) { id } }',
      { id: referral.id, r: c('Withdraw reason') },
      leadNow,
    );
    const second = await t.gql(
      'mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }',
      {
        i: {
          familyId: fam.id,
          serviceId: p.services.familyOutreach.id,
          childIds: [child.id],
          reason: c('Second reason'),
          shareWithoutConsentReason: c('Safeguarding'),
        },
      },
      leadNow,
    );
    if (!second.errors) {
      const id = second.data!.createReferral.id;
      await t.gql('mutation($id: ID!) { sendReferral(id: $id) { id } }', { id }, leadNow);
      await t.gql('mutation($id: ID!) { acceptReferral(id: $id) { id } }', { id }, p.outreachStaff.token);
      await t.gql('mutation($id: ID!) { startReferral(id: $id) { id } }', { id }, p.outreachStaff.token);
      await t.gql(
        'mutation($id: ID!, $o: String!) { completeReferral(id: $id, outcome: $o) { id } }',
        { id, o: c('Outcome') },
        p.outreachStaff.token,
      );
    }
    await t.gql(
      'mutation($i: CreateSupportPackageInput!) { createSupportPackage(input: $i) { id } }',
      {
        i: {
          familyId: fam.id,
          goals: [c('Goal')],
          items: [
            { serviceId: p.services.familyOutreach.id, childIds: [child.id], reason: c('Item reason') },
          ],
        },
      },
      leadNow,
    );
    ok(
      await t.gql(
        'mutation($id: ID!) { withdrawConsent(consentId: $id) { id } }',
        { id: consent.id },
        leadNow,
      ),
      'withdrawConsent',
    );

    // An unexpected database failure while personal data is in the statement's parameters.
    await t.db.query('ALTER TABLE family_members RENAME TO family_members_hidden');
    try {
      const res = await t.gql(
        'mutation($f: ID!, $i: FamilyMemberInput!) { addFamilyMember(familyId: $f, input: $i) { id } }',
        {
          f: fam.id,
          i: { givenName: c('Lost'), familyName: CANARY, role: 'CHILD', dateOfBirth: CANARY_DOB },
        },
        leadNow,
      );
      expect(codeOf(res)).toBe('INTERNAL_SERVER_ERROR');
    } finally {
      await t.db.query('ALTER TABLE family_members_hidden RENAME TO family_members');
    }

    const log = readFileSync(LOG_FILE, 'utf8');
    expect(log).toMatch(/request completed/); // the log was written at all
    expect(log).toMatch(/request failed/); // including the failure above
    expect(log.toLowerCase()).not.toContain(CANARY.toLowerCase());
    expect(log).not.toContain(CANARY_DOB);
  }, 60_000);

  it('the audit trail refuses UPDATE, DELETE and TRUNCATE from the role the API connects as', async () => {
    const { rows } = await t.db.query('SELECT count(*)::int AS n FROM audit_events');
    expect(rows[0].n).toBeGreaterThan(0);
    await expect(t.db.query("UPDATE audit_events SET action = 'forged'")).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
    await expect(t.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    const after = await t.db.query('SELECT count(*)::int AS n FROM audit_events');
    expect(after.rows[0].n).toBe(rows[0].n);
    // The test connection uses the same role as the API.
    const role = await t.db.query('SELECT current_user AS u');
    expect(t.databaseUrl).toContain(`//${role.rows[0].u}:`);
  });

  it('audits denied attempts to read a family or a referral', async () => {
    const stranger = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const token = t.tokenFor(stranger.id);
    const fam = ok(
      await t.gql(
        'mutation($i: CreateFamilyInput!) { createFamily(input: $i) { id members { id } } }',
        {
          i: {
            areaId: p.area.id,
            leadProfessionalId: p.lead.id,
            name: 'Audited',
            members: [{ givenName: 'A', familyName: 'B', role: 'CHILD' }],
          },
        },
        p.lead.token,
      ),
      'createFamily',
    );
    const ref = ok(
      await t.gql(
        'mutation($i: CreateReferralInput!) { createReferral(input: $i) { id } }',
        {
          i: {
            familyId: fam.id,
            serviceId: p.services.familyOutreach.id,
            childIds: [fam.members[0].id],
            reason: 'r',
            shareWithoutConsentReason: 'risk of harm',
          },
        },
        p.lead.token,
      ),
      'createReferral',
    );
    const denied = async (action: string, entityId: string) =>
      (
        await t.db.query(
          'SELECT count(*)::int AS n FROM audit_events WHERE action = $1 AND entity_id = $2 AND actor_id = $3',
          [action, entityId, stranger.id],
        )
      ).rows[0].n;

    const family = await t.gql('query($id: ID!) { family(id: $id) { id name } }', { id: fam.id }, token);
    expect(codeOf(family)).toBe('NOT_FOUND');
    expect(await denied('family.read.denied', fam.id)).toBe(1);
    const referral = await t.gql('query($id: ID!) { referral(id: $id) { id } }', { id: ref.id }, token);
    expect(referral.data?.referral ?? null).toBeNull();
    expect(await denied('referral.read.denied', ref.id)).toBe(1);
  });
});
