import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { costLimitRule, GRAPHQL_LIMITS, maxStringLiteralRule } from './armor.js';

const schema = buildSchema(`
  type Query {
    items(first: Int, after: String): ItemConnection!
    tags: [Tag!]!
    one: Tag
  }
  type ItemConnection { edges: [ItemEdge!]! nodes: [Item!]! totalCount: Int! }
  type ItemEdge { node: Item! cursor: String! }
  type Item { id: ID! tags: [Tag!]! }
  type Tag { id: ID! name: String! }
`);

/** The cost reported by the rule: the smallest limit that still accepts the document. */
function costOf(query: string): number {
  const document = parse(query);
  let low = 0;
  let high = 10_000_000;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    const errors = validate(schema, document, [costLimitRule({ maxCost: mid, countIntrospection: true })]);
    if (errors.length) low = mid + 1;
    else high = mid;
  }
  return low;
}

describe('costLimitRule', () => {
  it('counts a scalar as 1 and an object as 1 plus its selections', () => {
    expect(costOf('{ one { id name } }')).toBe(3);
  });

  it('weights an unpaginated list by the fixed list weight', () => {
    expect(costOf('{ tags { id } }')).toBe(2 * GRAPHQL_LIMITS.unpagedListWeight);
  });

  it('weights a connection by its literal page size and does not count its edges twice', () => {
    const five = costOf('{ items(first: 5) { edges { node { id } } } }');
    const ten = costOf('{ items(first: 10) { edges { node { id } } } }');
    expect(ten).toBe(2 * five);
    expect(five).toBe(5 * 4);
  });

  it('weights a connection without a page size by the default, and a variable one by the maximum', () => {
    const literal100 = costOf('{ items(first: 100) { nodes { id } } }');
    expect(costOf('query($n: Int) { items(first: $n) { nodes { id } } }')).toBe(literal100);
    expect(costOf('{ items { nodes { id } } }')).toBe(literal100 / 5);
    // A page size over the maximum cannot lower or raise the weight beyond the maximum.
    expect(costOf('{ items(first: 100000) { nodes { id } } }')).toBe(literal100);
  });

  it('multiplies nested lists and counts fragments where they are spread', () => {
    const inline = costOf('{ items(first: 10) { nodes { tags { id name } } } }');
    const spread = costOf('{ items(first: 10) { nodes { ...F } } } fragment F on Item { tags { id name } }');
    expect(spread).toBe(inline);
    expect(inline).toBe(10 * (1 + 1 + 10 * 3));
  });

  it('survives a fragment cycle (reported by the standard rules, not by a stack overflow)', () => {
    const document = parse('{ one { ...A } } fragment A on Tag { ...B } fragment B on Tag { ...A }');
    const errors = validate(schema, document, [
      ...specifiedRules,
      costLimitRule({ maxCost: 100, countIntrospection: true }),
    ]);
    expect(errors.some((e) => /Cannot spread fragment/.test(e.message))).toBe(true);
  });

  it('ignores introspection only when told to', () => {
    const query = '{ __schema { types { fields { name } } } }';
    const counted = validate(schema, parse(query), [
      costLimitRule({ maxCost: 50, countIntrospection: true }),
    ]);
    const ignored = validate(schema, parse(query), [
      costLimitRule({ maxCost: 50, countIntrospection: false }),
    ]);
    expect(counted).toHaveLength(1);
    expect(ignored).toHaveLength(0);
  });
});

describe('maxStringLiteralRule', () => {
  it('refuses a literal over the limit', () => {
    const ok = validate(schema, parse(`{ items(after: "${'a'.repeat(10)}") { totalCount } }`), [
      maxStringLiteralRule(10),
    ]);
    const long = validate(schema, parse(`{ items(after: "${'a'.repeat(11)}") { totalCount } }`), [
      maxStringLiteralRule(10),
    ]);
    expect(ok).toHaveLength(0);
    expect(long).toHaveLength(1);
  });

  it('refuses NUL (graphql-js itself refuses unpaired surrogates in literals), accepts other unicode', () => {
    const check = (literal: string) =>
      validate(schema, parse(`{ items(after: "${literal}") { totalCount } }`), [maxStringLiteralRule(100)]);
    expect(check('a\\u0000b')).toHaveLength(1);
    expect(check('Zoë 😀 名前')).toHaveLength(0);
  });
});
