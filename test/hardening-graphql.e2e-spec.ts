import { createHash } from 'node:crypto';
import { getMetadataStorage } from 'class-validator';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  type IntrospectionQuery,
  isInputObjectType,
} from 'graphql';
import request from 'supertest';
// Not exported by the package entry point; the same module instance the schema was built with.
import { TypeMetadataStorage } from '../node_modules/@nestjs/graphql/dist/schema-builder/storages/type-metadata.storage.js';
import { Role } from '../src/common/enums.js';
import { GRAPHQL_LIMITS } from '../src/graphql/armor.js';
import { createAgency, createService, createUser } from './support/factories.js';
import { codeOf, startTestApp, type TestApp } from './support/test-app.js';

/** `me { agency { services { agency { ... } } } }`, `levels` selections deep. */
function nested(levels: number): string {
  const wrappers = ['me', 'agency'];
  while (wrappers.length < levels - 1) wrappers.push(wrappers.length % 2 === 0 ? 'services' : 'agency');
  return `{ ${wrappers.reduceRight((inner, name) => `${name} { ${inner} }`, 'id')} }`;
}

const expectRefusedBeforeExecution = (res: { status: number; body: any }, pattern: RegExp) => {
  expect(res.status).toBe(400);
  expect(res.body.data).toBeUndefined(); // execution always produces a data key; validation does not
  expect(res.body.errors.length).toBeGreaterThan(0);
  for (const e of res.body.errors) expect(e.extensions.code).toBe('BAD_USER_INPUT');
  expect(res.body.errors.map((e: { message: string }) => e.message).join(' ')).toMatch(pattern);
};

describe('GraphQL abuse: limits, batching, CSRF, body handling', () => {
  let t: TestApp;
  let admin: string;
  beforeAll(async () => {
    t = await startTestApp('hardgql');
    admin = t.tokenFor((await createUser(t.db, { roles: [Role.ADMIN] })).id);
    const agency = await createAgency(t.db);
    await createService(t.db, agency.id);
  });
  afterAll(() => t.close());

  const post = (body: unknown, token = admin) =>
    request(t.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .set('authorization', `Bearer ${token}`)
      .send(body as object);

  it('serves an operation just within the depth limit', async () => {
    const res = await post({ query: nested(GRAPHQL_LIMITS.maxDepth) });
    expect(res.body.errors).toBeUndefined();
    expect(res.body.data.me).toEqual({ agency: null });
  });

  it('answers aliases named like members of Object.prototype, __proto__ included, as written', async () => {
    const res = await post({ query: '{ __proto__: me { id } constructor: me { id } toString: __typename }' });
    expect(res.body.errors).toBeUndefined();
    expect(res.text).toMatch(
      /^\{"data":\{"__proto__":\{"id":"[0-9a-f-]{36}"\},"constructor":\{"id":"[0-9a-f-]{36}"\},"toString":"Query"\}\}/,
    );
  });

  it('refuses an operation deeper than the limit before executing it', async () => {
    const res = await post({ query: nested(GRAPHQL_LIMITS.maxDepth + 1) });
    expectRefusedBeforeExecution(res, /depth limit of 8/);
  });

  it('refuses depth hidden in fragments', async () => {
    const query = `query { agencies { ...A } }
      fragment A on Agency { services { agency { services { agency { services { agency { services { agency { id } } } } } } } } }`;
    expectRefusedBeforeExecution(await post({ query }), /depth limit/);
  });

  it('weights list fields: shallow but multiplying lists exceed the cost limit', async () => {
    // Depth 8, but agencies × services × agency.services × ... multiplies by the list weight each time.
    const query =
      '{ agencies { services { agency { services { agency { services { areas { id } } } } } } } }';
    expectRefusedBeforeExecution(await post({ query }), /cost limit/);
  });

  it('weights a paginated field by its page size, a variable page size as the maximum', async () => {
    const selection =
      'edges { node { id action actor { id agency { services { areas { id name code } } } } } }';
    const small = await post({ query: `{ auditEvents(first: 5) { ${selection} } }` });
    expect(small.body.errors).toBeUndefined();
    const variable = await post({
      query: `query($n: Int) { auditEvents(first: $n) { ${selection} } }`,
      variables: { n: 5 },
    });
    expectRefusedBeforeExecution(variable, /cost limit/);
  });

  it('refuses too many aliases', async () => {
    const ok = Array.from({ length: GRAPHQL_LIMITS.maxAliases }, (_, i) => `a${i}: me { id }`).join(' ');
    expect((await post({ query: `{ ${ok} }` })).body.errors).toBeUndefined();
    const query = `{ ${ok} extra: me { id } }`;
    expectRefusedBeforeExecution(await post({ query }), /aliases limit/i);
  });

  it('refuses too many directives', async () => {
    const directives = Array.from({ length: GRAPHQL_LIMITS.maxDirectives + 1 }, () => '@include(if: true)');
    expectRefusedBeforeExecution(
      await post({ query: `{ me { id ${directives.join(' ')} } }` }),
      /directives/i,
    );
  });

  it('refuses a document with too many tokens', async () => {
    const query = `{ me { ${'id '.repeat(GRAPHQL_LIMITS.maxTokens)} } }`;
    const res = await post({ query });
    expect(res.status).toBe(400);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.errors[0].message).toMatch(/tokens/);
  });

  it('refuses over-long strings as literals and as variables, before anything runs', async () => {
    const long = 'x'.repeat(GRAPHQL_LIMITS.maxStringLength + 1);
    const before = await t.db.query('SELECT count(*)::int AS n FROM areas');
    const literal = await post({
      query: `mutation { createArea(input: { code: "Z1", name: "${long}" }) { id } }`,
    });
    expectRefusedBeforeExecution(literal, /limited to/);
    const variable = await post({
      query: 'mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }',
      variables: { i: { code: 'Z2', name: long } },
    });
    expect(variable.status).toBe(400);
    expect(variable.body.data).toBeUndefined();
    expect(variable.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // A value under the ceiling but over the field's own @MaxLength is refused by validation.
    const fieldLimit = await post({
      query: 'mutation($i: CreateAreaInput!) { createArea(input: $i) { id } }',
      variables: { i: { code: 'Z3', name: 'n'.repeat(201) } },
    });
    expect(codeOf({ ...fieldLimit, errors: fieldLimit.body.errors } as never)).toBe('BAD_USER_INPUT');
    const after = await t.db.query('SELECT count(*)::int AS n FROM areas');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('refuses batched requests', async () => {
    const res = await post([{ query: '{ me { id } }' }, { query: '{ me { id } }' }]);
    expect(res.status).toBe(400);
    expect(Array.isArray(res.body)).toBe(false);
    expect(res.body.data).toBeUndefined();
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  it('does not offer automatic persisted queries (neither registers nor serves a hash)', async () => {
    const query = '{ me { id } }';
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const persistedQuery = { version: 1, sha256Hash };
    const register = await post({ query, extensions: { persistedQuery } });
    expect(register.body.data).toBeUndefined();
    expect(register.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    const byHash = await post({ extensions: { persistedQuery } });
    expect(byHash.body.data).toBeUndefined();
    expect(byHash.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
  });

  describe('CSRF', () => {
    const mutation = 'mutation { createArea(input: { code: "CSRF1", name: "Forged" }) { id } }';
    const areaCount = async () =>
      (await t.db.query("SELECT count(*)::int AS n FROM areas WHERE code = 'CSRF1'")).rows[0].n;

    it('refuses a text/plain POST', async () => {
      const res = await request(t.app.getHttpServer())
        .post('/graphql')
        .set('content-type', 'text/plain')
        .set('authorization', `Bearer ${admin}`)
        .send(JSON.stringify({ query: mutation }));
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(await areaCount()).toBe(0);
    });

    it('refuses a form POST', async () => {
      const res = await request(t.app.getHttpServer())
        .post('/graphql')
        .set('content-type', 'application/x-www-form-urlencoded')
        .set('authorization', `Bearer ${admin}`)
        .send(`query=${encodeURIComponent(mutation)}`);
      expect(res.status).toBe(400);
      expect(res.body.data).toBeUndefined();
      expect(await areaCount()).toBe(0);
    });

    it('refuses a simple GET and a mutation over GET even with the preflight header', async () => {
      const simple = await request(t.app.getHttpServer())
        .get('/graphql')
        .query({ query: '{ me { id } }' })
        .set('authorization', `Bearer ${admin}`);
      expect(simple.status).toBe(400);
      expect(simple.body.data).toBeUndefined();
      const res = await request(t.app.getHttpServer())
        .get('/graphql')
        .query({ query: mutation })
        .set('apollo-require-preflight', 'true')
        .set('authorization', `Bearer ${admin}`);
      expect(res.status).toBe(405);
      expect(res.body.data).toBeUndefined();
      expect(await areaCount()).toBe(0);
    });
  });

  it('answers a body over 1 MB with 413 and a JSON error', async () => {
    const res = await post({ query: '{ me { id } }', variables: { pad: 'x'.repeat(1024 * 1024 + 10) } });
    expect(res.status).toBe(413);
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(res.body.data).toBeUndefined();
  });

  it('answers malformed JSON with 400 and a JSON error, not an HTML page or a stack', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/graphql')
      .set('content-type', 'application/json')
      .send('{"query": "{ me { id } }", oops');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js|SyntaxError|oops/);
  });

  it('bounds every free-text input field with a class-validator length rule, and validates nested inputs', async () => {
    const res = await t.gql<IntrospectionQuery>(getIntrospectionQuery(), {}, admin);
    const schema = buildClientSchema(res.data!);
    // Validation rules per input class (inherited ones included), found by the class name the GraphQL input type carries.
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<Function, { propertyName: string; name?: string; type: string }[]>;
    };
    const rules = new Map<string, Map<string, Set<string>>>();
    // Every input class the schema was built from (a class may carry no rules of its own, only inherited ones).
    for (const { target } of TypeMetadataStorage.getInputTypesMetadata()) {
      const byProperty = new Map<string, Set<string>>();
      for (let c: Function | null = target; c && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
        for (const m of storage.validationMetadatas.get(c) ?? []) {
          const names = byProperty.get(m.propertyName) ?? new Set<string>();
          names.add(m.name ?? m.type);
          byProperty.set(m.propertyName, names);
        }
      }
      rules.set(target.name, byProperty);
    }
    const bounded = [
      'maxLength',
      'isLength',
      'matches',
      'isEmail',
      'isUUID',
      'isEnum',
      'isIn',
      'isDateString',
    ];
    const problems: string[] = [];
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isInputObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        const named = getNamedType(field.type);
        const names = rules.get(type.name)?.get(field.name) ?? new Set<string>();
        if (named.name === 'String') {
          checked++;
          if (!bounded.some((b) => names.has(b)))
            problems.push(`${type.name}.${field.name} has no length rule`);
        }
        if (isInputObjectType(named) && !names.has('nestedValidation')) {
          problems.push(`${type.name}.${field.name} is not validated as a nested input`);
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});
