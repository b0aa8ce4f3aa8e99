import { randomUUID } from 'node:crypto';
import type { Actor } from '../src/common/actor.js';
import { Role } from '../src/common/enums.js';
import { RequestLoaders } from '../src/graphql/request-loaders.js';
import { familyLoader } from '../src/modules/families/families.loaders.js';
import { FamiliesRepository } from '../src/modules/families/families.repository.js';
import { FamiliesService } from '../src/modules/families/families.service.js';
import { createArea, createFamily, createUser } from './support/factories.js';
import { data } from './support/referral-fixtures.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

/**
 * A family read is decided on the request's family row and audited by one statement that checks the
 * family still has the lead professional the decision used. These cases put a handover between the
 * two, the way a concurrent request would: the request's row is read first, the handover commits,
 * then the read runs.
 */
describe('auditing a family read that races a handover', () => {
  let t: TestApp;
  let admin: string;
  let areaId: string;
  const actorOf = (id: string): Actor => ({
    id,
    roles: new Set([Role.LEAD_PROFESSIONAL]),
    agencyId: null,
    requestId: randomUUID(),
    tokenId: randomUUID(),
    tokenExpiresAt: new Date(Date.now() + 3600_000),
  });
  const auditOf = async (familyId: string, actorId: string) =>
    (
      await t.db.query('SELECT action FROM audit_events WHERE entity_id = $1 AND actor_id = $2 ORDER BY id', [
        familyId,
        actorId,
      ])
    ).rows.map((r: { action: string }) => r.action);

  beforeAll(async () => {
    t = await startTestApp('readrace');
    admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
    areaId = (await createArea(t.db)).id;
  });
  afterAll(() => t.close());

  async function handedOverAfterRowRead() {
    const before = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const after = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const family = await createFamily(t.db, {
      areaId,
      leadProfessionalId: before.id,
      members: [{ givenName: 'Ada' }],
    });
    const loaders = new RequestLoaders();
    const row = await familyLoader(loaders, t.app.get(FamiliesRepository)).load(family.id);
    expect(row!.leadProfessionalId).toBe(before.id);
    const res = await t.gql(
      'mutation($f: ID!, $u: ID!) { assignLeadProfessional(familyId: $f, userId: $u) { id } }',
      { f: family.id, u: after.id },
      admin,
    );
    expect(data(res, 'assignLeadProfessional').id).toBe(family.id);
    return { familyId: family.id, before: before.id, after: after.id, loaders };
  }

  it('refuses the former lead professional and audits the refusal, not a read', async () => {
    const { familyId, before, loaders } = await handedOverAfterRowRead();
    await expect(t.app.get(FamiliesService).family(actorOf(before), familyId, loaders)).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
    expect(await auditOf(familyId, before)).toEqual(['family.read.denied']);
  });

  it('serves the new lead professional, whom the stale row would have refused, and audits the read', async () => {
    const { familyId, after, loaders } = await handedOverAfterRowRead();
    const view = await t.app.get(FamiliesService).family(actorOf(after), familyId, loaders);
    expect(view).toMatchObject({ id: familyId, leadProfessionalId: after, access: 'FULL' });
    expect(await auditOf(familyId, after)).toEqual(['family.read']);
  });

  it('writes exactly one read event per read through the API', async () => {
    const lead = await createUser(t.db, { roles: [Role.LEAD_PROFESSIONAL] });
    const family = await createFamily(t.db, {
      areaId,
      leadProfessionalId: lead.id,
      members: [{ givenName: 'Bo' }],
    });
    const token = t.tokenFor(lead.id);
    for (let i = 0; i < 3; i++) {
      expect(
        codeOf(await t.gql('query($id: ID!) { family(id: $id) { id } }', { id: family.id }, token)),
      ).toBeUndefined();
    }
    expect(await auditOf(family.id, lead.id)).toEqual(['family.read', 'family.read', 'family.read']);
  });
});
