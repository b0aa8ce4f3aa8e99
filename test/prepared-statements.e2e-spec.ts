import { DataSource } from 'typeorm';
import type pg from 'pg';
import {
  prepared,
  preparedName,
  PreparingClient,
  TextStatementClient,
} from '../src/database/prepared-statements.js';
import { act, data, draft, family, partnership, type Partnership } from './support/referral-fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';

const FAMILY_PAGE = `query($id: ID!) {
  family(id: $id) { id name members { id } consents { id } referrals { id status events { status actor { id } } } }
}`;

const INBOX = `{ referrals(first: 50, filter: { status: [SENT] }) { totalCount nodes { id family { id } children { id } } } }`;

/** The API's own connection pool (node-postgres), under TypeORM. */
const apiPool = (t: TestApp) => (t.app.get(DataSource).driver as unknown as { master: pg.Pool }).master;

/** The names prepared on one connection of the API's pool before and after running `sql` on it twice. */
async function preparedOnConnection(t: TestApp, sql: string): Promise<{ before: string[]; after: string[] }> {
  const client = await apiPool(t).connect();
  const names = async () =>
    (await client.query<{ name: string }>('SELECT name FROM pg_prepared_statements ORDER BY name')).rows.map(
      (r) => r.name,
    );
  try {
    const before = await names();
    await client.query(sql, [7]);
    await client.query(sql, [8]);
    return { before, after: await names() };
  } finally {
    client.release();
  }
}

/**
 * The error of a statement that fails, sent as TypeORM and the repositories send theirs (no
 * callback), on one connection of the API's pool.
 */
async function rejectionOf(t: TestApp, sql: string): Promise<Error & { code?: string }> {
  const client = await apiPool(t).connect();
  try {
    await client.query(sql, [1]);
  } catch (error) {
    return error as Error & { code?: string };
  } finally {
    client.release();
  }
  throw new Error('the statement did not fail');
}

/** Rows and errors of statements sent without a callback, marked or not. */
async function expectAnswers(t: TestApp, marked: string, plain: string): Promise<void> {
  for (const sql of [marked, plain]) {
    const error = await rejectionOf(t, sql);
    expect(error.code).toBe('22012'); // division_by_zero, from PostgreSQL
    // The stack leads back to the caller, as node-postgres's own promise gives it.
    expect(error.stack).toContain('rejectionOf');
    expect((await apiPool(t).query(sql, [2])).rows).toEqual([{ n: 1 }]);
  }
}

describe('prepared statements', () => {
  describe('on (the default)', () => {
    let t: TestApp;
    let p: Partnership;
    beforeAll(async () => {
      t = await startTestApp('prepared');
      p = await partnership(t);
    });
    afterAll(() => t.close());

    it('sends a marked statement by name and any other as text', async () => {
      const marked = prepared('SELECT $1::int + 1 AS n');
      const name = preparedName(marked)!;
      expect(name).toMatch(/^fsapi_\d+$/);
      const once = await preparedOnConnection(t, marked);
      expect(once.before).not.toContain(name);
      expect([...once.after].sort()).toEqual([...once.before, name].sort());
      const plain = 'SELECT $1::int + 2 AS n';
      expect(preparedName(plain)).toBeUndefined();
      const unnamed = await preparedOnConnection(t, plain);
      expect(unnamed.after).toEqual(unnamed.before);
      const { rows } = await apiPool(t).query(marked, [41]);
      expect(rows).toEqual([{ n: 42 }]);
    });

    it('keeps working when a migration adds columns under the prepared statements', async () => {
      // One lead's family page, a creation and a send, so that the pool's connections prepare their statements.
      const work = async () => {
        const f = await family(t, p);
        const r = await draft(t, p.lead.token, {
          familyId: f.id,
          serviceId: p.services.slt.id,
          childIds: [f.james.id],
        });
        const sent = data(await act(t, 'send', p.lead.token, r.id), 'sendReferral');
        const page = data(await t.gql(FAMILY_PAGE, { id: f.id }, p.lead.token), 'family');
        const inbox = data(await t.gql(INBOX, {}, p.healthStaff.token), 'referrals');
        return { f, sent, page, inbox };
      };
      for (let i = 0; i < 3; i++) await work();
      // A prepared statement whose result columns change fails ("cached plan must not change
      // result type"); the marked statements name their columns, so new columns do not reach them.
      for (const table of [
        'referrals',
        'families',
        'users',
        'referral_events',
        'family_members',
        'consents',
      ]) {
        await t.db.query(`ALTER TABLE ${table} ADD COLUMN added_later int`);
      }
      const { f, sent, page, inbox } = await work();
      expect(sent.status).toBe('SENT');
      // The agency's inbox of one status (a prepared page): the four sends so far, this one among them.
      expect(inbox.totalCount).toBe(4);
      expect(inbox.nodes).toContainEqual({
        id: sent.id,
        family: { id: f.id },
        children: [{ id: f.james.id }],
      });
      expect(page.referrals).toEqual([
        {
          id: sent.id,
          status: 'SENT',
          events: [
            { status: 'DRAFT', actor: { id: p.lead.id } },
            { status: 'SENT', actor: { id: p.lead.id } },
          ],
        },
      ]);
    });

    it('answers without a callback: rows, and PostgreSQL errors that lead back to the caller', async () => {
      const client = await apiPool(t).connect();
      client.release();
      expect(client).toBeInstanceOf(PreparingClient);
      await expectAnswers(t, prepared('SELECT 1 / ($1::int - 1) AS n'), 'SELECT 2 / ($1::int * 2 - 2) AS n');
    });
  });

  describe('off (DB_PREPARED_STATEMENTS=false)', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp('unprepared', {}, { DB_PREPARED_STATEMENTS: 'false' });
    });
    afterAll(() => t.close());

    it('sends even marked statements as text', async () => {
      const marked = prepared('SELECT $1::int + 3 AS n');
      expect(preparedName(marked)).toBeDefined();
      expect(await preparedOnConnection(t, marked)).toEqual({ before: [], after: [] });
    });

    it('answers without a callback as with them on', async () => {
      const client = await apiPool(t).connect();
      client.release();
      expect(client).toBeInstanceOf(TextStatementClient);
      await expectAnswers(
        t,
        prepared('SELECT 3 / ($1::int * 3 - 3) AS n'),
        'SELECT 4 / ($1::int * 4 - 4) AS n',
      );
    });
  });
});
