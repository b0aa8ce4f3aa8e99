import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import request from 'supertest';
import { join, resolve } from 'node:path';
import { Role } from '../src/common/enums.js';
import { createUser } from './support/factories.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

// A file of its own: nestjs-pino keeps one root logger per module registry (per test file).
describe('production mode', () => {
  let t: TestApp;
  let admin: string;
  const logDir = resolve('.test-data', `logs-${process.pid}`);
  const logFile = join(logDir, 'hardening-production.log');
  beforeAll(async () => {
    mkdirSync(logDir, { recursive: true });
    rmSync(logFile, { force: true });
    t = await startTestApp('hardprod', {
      production: true,
      nodeEnv: 'production',
      graphql: { introspection: false, sandbox: false },
      logLevel: 'info',
      logFile,
    });
    admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
  });
  afterAll(async () => {
    await t.close();
    rmSync(logFile, { force: true });
  });

  const allText = (res: { body: unknown }) => JSON.stringify(res.body);

  it('has no introspection, whether asked directly or through __type', async () => {
    for (const query of ['{ __schema { types { name } } }', '{ __type(name: "User") { fields { name } } }']) {
      const res = await t.gql(query, {}, admin);
      expect(res.data ?? undefined).toBeUndefined();
      expect(codeOf(res)).toBe('BAD_USER_INPUT');
      expect(allText(res)).not.toMatch(/"User"|fields/);
    }
  });

  it('gives no "did you mean" suggestions', async () => {
    const res = await t.gql('{ mee { id } agencie { id } }', {}, admin);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(allText(res)).not.toMatch(/Did you mean|"me"|agencies/);
  });

  it('puts no input values and no stack traces in errors', async () => {
    const marker = 'MARKER-7f3a';
    const res = await t.gql(
      'mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }',
      { i: { code: 'P1', name: 'x', childPopulation: marker } },
      admin,
    );
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(allText(res)).not.toContain(marker);
    expect(allText(res)).not.toMatch(/stacktrace|exception|originalError/);
  });

  it('masks an unexpected failure as INTERNAL_SERVER_ERROR with a request id that is in the log', async () => {
    // An unexpected database failure: the table the resolver reads is briefly renamed away.
    await t.db.query('ALTER TABLE areas RENAME TO areas_hidden');
    let res;
    try {
      res = await t.gql('{ areas { id code } }', {}, admin);
    } finally {
      await t.db.query('ALTER TABLE areas_hidden RENAME TO areas');
    }
    expect(res.status).toBe(200);
    expect(codeOf(res)).toBe('INTERNAL_SERVER_ERROR');
    expect(res.errors![0].message).toBe('Internal server error');
    const text = allText(res);
    expect(text).not.toMatch(/SELECT|relation|areas_hidden|QueryFailed|stack/i);
    const requestId = res.errors![0].extensions!.requestId as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    const log = readFileSync(logFile, 'utf8');
    const lines = log.split('\n').filter((l) => l.includes(requestId));
    expect(lines.some((l) => l.includes('request failed'))).toBe(true);
    // The log keeps the error class and SQLSTATE, never the statement.
    expect(lines.join('\n')).not.toMatch(/SELECT|FROM "areas"/);
  });

  it('logs every request once with its id, and echoes that id to the client', async () => {
    const given = 'client-chosen-id-0001';
    const res = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('x-request-id', given)
      .set('authorization', `Bearer ${admin}`)
      .send({ query: '{ areas { id } }' });
    expect(res.status).toBe(200);
    expect(res.headers['x-request-id']).toBe(given);
    // Answers carry personal data: no cache may keep them, and none is offered a validator.
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.etag).toBeUndefined();

    const minted = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('x-request-id', 'bad id; with spaces')
      .send({ query: '{ __typename }' });
    expect(minted.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);

    const entries = readFileSync(logFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { msg?: string; req?: { id?: string; url?: string }; res?: object });
    const completed = entries.filter((e) => e.msg === 'request completed' && e.req?.id === given);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({ req: { id: given, url: '/graphql' }, res: { statusCode: 200 } });
    expect(entries.some((e) => e.req?.id === minted.headers['x-request-id'])).toBe(true);
  });
});
