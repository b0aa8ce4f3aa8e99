// Each referral's previous receipt (the latest earlier receipt of its family by its agency) is
// kept by database triggers; the board's re-referral count reads it. These tests hold it to its
// definition through the API, through any hand-written statement, and under concurrent writers.
import pg from 'pg';
import { PREVIOUS_RECEIPT_MISMATCHES } from './support/previous-receipts.js';
import { prng } from './support/prng.js';
import { act, data, draft, family, partnership, type Partnership } from './support/referral-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { endPool } from './support/test-database.js';

const daysAgo = (n: number, hour = 10) => {
  const d = new Date(Date.now() - n * 86_400_000);
  d.setUTCHours(hour, 0, 0, 0);
  return d.toISOString();
};

describe('previous receipt of each referral', () => {
  let t: TestApp;
  let p: Partnership;

  beforeAll(async () => {
    t = await startTestApp('prevreceipts');
    p = await partnership(t);
  });
  afterAll(() => t.close());

  const previousOf = async (id: string): Promise<string | null> => {
    const { rows } = await t.db.query('SELECT previous_received_at FROM referrals WHERE id = $1', [id]);
    return (rows[0].previous_received_at as Date | null)?.toISOString() ?? null;
  };
  const mismatches = async () => Number((await t.db.query(PREVIOUS_RECEIPT_MISMATCHES)).rows[0].n);

  /** Inserts referrals of one family directly: `[agency index, receipt or null]` each. */
  const insertReferrals = async (
    db: pg.Pool | pg.PoolClient,
    familyId: string,
    rows: { agency: 'health' | 'outreach'; receivedAt: string | null }[],
  ): Promise<string[]> => {
    const service = { health: p.services.slt.id, outreach: p.services.familyOutreach.id };
    const { rows: ids } = await db.query(
      `INSERT INTO referrals (reference, family_id, service_id, agency_id, referred_by_id, reason, status, received_at, created_at)
       SELECT next_reference('REF', 'referral_reference_seq'), $1, s.id, s.agency_id, $2, 'Hand-written',
              CASE WHEN t.received_at IS NULL THEN 'DRAFT' ELSE 'SENT' END::referral_status, t.received_at,
              coalesce(t.received_at, now()) - interval '1 day'
         FROM unnest($3::uuid[], $4::timestamptz[]) WITH ORDINALITY AS t(service_id, received_at, n)
         JOIN services s ON s.id = t.service_id
        ORDER BY t.n
       RETURNING id`,
      [familyId, p.lead.id, rows.map((r) => service[r.agency]), rows.map((r) => r.receivedAt)],
    );
    return ids.map((r) => r.id as string);
  };

  it('a send through the API takes the latest earlier receipt by the same agency, back-dated or not', async () => {
    const f = await family(t, p);
    const drafted = (serviceId: string, childId: string) =>
      draft(t, p.lead.token, { familyId: f.id, serviceId, childIds: [childId] });
    // Two services of the health agency, and one of another agency.
    const slt = await drafted(p.services.slt.id, f.james.id);
    const visiting = await drafted(p.services.healthVisiting.id, f.april.id);
    const outreach = await drafted(p.services.familyOutreach.id, f.james.id);
    const send = async (id: string, at: string) =>
      data(await act(t, 'send', p.lead.token, id, { at }), 'sendReferral');

    await send(visiting.id, daysAgo(5));
    expect(await previousOf(visiting.id)).toBeNull();
    // Another agency's receipt is not a previous receipt.
    await send(outreach.id, daysAgo(8));
    expect(await previousOf(visiting.id)).toBeNull();
    expect(await previousOf(outreach.id)).toBeNull();
    // A paper referral received before the one already recorded becomes its previous receipt.
    await send(slt.id, daysAgo(10));
    expect(await previousOf(slt.id)).toBeNull();
    expect(await previousOf(visiting.id)).toBe(daysAgo(10));
    expect(await mismatches()).toBe(0);
  });

  it('holds after any sequence of hand-written inserts, updates, moves and deletes', async () => {
    const families = [(await family(t, p)).id, (await family(t, p)).id];
    const random = prng(20261122);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
    // Few distinct times, so that ties and equal receipts come up often.
    const times = [
      null,
      daysAgo(400),
      daysAgo(300),
      daysAgo(200),
      daysAgo(200, 11),
      daysAgo(100),
      daysAgo(30),
    ];
    const agencies = ['health', 'outreach'] as const;
    const ids: string[] = [];
    for (let round = 0; round < 60; round++) {
      const op = ids.length < 4 ? 0 : Math.floor(random() * 5);
      if (op === 0) {
        const n = 1 + Math.floor(random() * 4);
        const rows = Array.from({ length: n }, () => ({ agency: pick(agencies), receivedAt: pick(times) }));
        ids.push(...(await insertReferrals(t.db, pick(families), rows)));
      } else if (op === 1) {
        // Several receipts moved by one statement.
        const chosen = [...new Set(Array.from({ length: 3 }, () => pick(ids)))];
        const received = chosen.map(() => pick(times));
        await t.db.query(
          `UPDATE referrals r SET received_at = t.received_at,
                  status = CASE WHEN t.received_at IS NULL THEN 'DRAFT' ELSE 'SENT' END::referral_status
             FROM unnest($1::uuid[], $2::timestamptz[]) AS t(id, received_at) WHERE r.id = t.id`,
          [chosen, received],
        );
      } else if (op === 2) {
        const agency = pick(agencies);
        await t.db.query(
          `UPDATE referrals SET agency_id = s.agency_id, service_id = s.id FROM services s
            WHERE referrals.id = $1 AND s.id = $2`,
          [pick(ids), agency === 'health' ? p.services.slt.id : p.services.familyOutreach.id],
        );
      } else if (op === 3) {
        await t.db.query('UPDATE referrals SET family_id = $2 WHERE id = $1', [pick(ids), pick(families)]);
      } else {
        const gone = ids.splice(Math.floor(random() * ids.length), 1)[0];
        await t.db.query('DELETE FROM referrals WHERE id = $1', [gone]);
      }
      const wrong = await mismatches();
      if (wrong) throw new Error(`round ${round} (operation ${op}) left ${wrong} previous receipt(s) wrong`);
    }
    // The rounds did write receipts with earlier ones by the same agency.
    const { rows } = await t.db.query(
      'SELECT count(*)::int AS n FROM referrals WHERE family_id = ANY($1) AND previous_received_at IS NOT NULL',
      [families],
    );
    expect(rows[0].n).toBeGreaterThan(3);
    expect(await mismatches()).toBe(0);
  });

  it('holds when concurrent transactions receive referrals of one family, in any order of commit', async () => {
    const f = await family(t, p);
    const pool = new pg.Pool({ connectionString: t.databaseUrl, max: 8 });
    try {
      const drafts = await insertReferrals(
        t.db,
        f.id,
        Array.from({ length: 16 }, (_, i) => ({
          agency: i % 4 === 0 ? 'outreach' : 'health',
          receivedAt: null,
        })),
      );
      const random = prng(7);
      // Eight transactions, each receiving two referrals (in either order, as a package would),
      // dated at random and committing at random moments while the others are open.
      await Promise.all(
        Array.from({ length: 8 }, async (_, k) => {
          const client = await pool.connect();
          try {
            await client.query('BEGIN');
            for (const id of random() < 0.5
              ? [drafts[2 * k], drafts[2 * k + 1]]
              : [drafts[2 * k + 1], drafts[2 * k]]) {
              await client.query(`UPDATE referrals SET status = 'SENT', received_at = $2 WHERE id = $1`, [
                id,
                daysAgo(1 + Math.floor(random() * 20)),
              ]);
              await client.query('SELECT pg_sleep($1)', [random() * 0.05]);
            }
            await client.query('COMMIT');
          } finally {
            client.release();
          }
        }),
      );
    } finally {
      await endPool(pool);
    }
    const { rows } = await t.db.query(
      'SELECT count(*)::int AS n FROM referrals WHERE family_id = $1 AND previous_received_at IS NOT NULL',
      [f.id],
    );
    expect(rows[0].n).toBeGreaterThan(8);
    expect(await mismatches()).toBe(0);
  });
});
