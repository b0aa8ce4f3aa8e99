import { buildSchema, graphql, type GraphQLResolveInfo } from 'graphql';
import { selectedFieldNames } from './selection.js';

const schema = buildSchema(`
  type Family { id: ID name: String }
  type Referral { id: ID family: Family children: [ID] service: ID }
  type Edge { node: Referral }
  type Connection { nodes: [Referral] edges: [Edge] totalCount: Int }
  type Query { referrals: Connection }
`);

/** Runs `query` and returns what the helper reports at each path for the root field. */
async function namesAt(query: string, ...paths: string[][]): Promise<string[][]> {
  let seen: string[][] = [];
  const result = await graphql({
    schema,
    source: query,
    rootValue: {
      referrals: (_args: unknown, _context: unknown, info: GraphQLResolveInfo) => {
        seen = paths.map((path) => [...selectedFieldNames(info, path)].sort());
        return { nodes: [], edges: [], totalCount: 0 };
      },
    },
  });
  expect(result.errors).toBeUndefined();
  return seen;
}

describe('selectedFieldNames', () => {
  it('lists the fields selected at a path', async () => {
    expect(await namesAt('{ referrals { totalCount nodes { id family { id } } } }', [], ['nodes'])).toEqual([
      ['nodes', 'totalCount'],
      ['family', 'id'],
    ]);
  });

  it('follows fragment spreads and inline fragments, at the path and above it', async () => {
    const query = `
      query { referrals { ...Page } }
      fragment Page on Connection { edges { node { ...Row ... on Referral { children } } } }
      fragment Row on Referral { id service }`;
    expect(await namesAt(query, ['edges', 'node'], ['nodes'])).toEqual([['children', 'id', 'service'], []]);
  });

  it('merges a field selected twice, and reads a fragment used twice once', async () => {
    const query = `
      query { referrals { nodes { ...Row } nodes { family { name } ...Row } } }
      fragment Row on Referral { id }`;
    expect(await namesAt(query, ['nodes'], ['nodes', 'family'])).toEqual([['family', 'id'], ['name']]);
  });

  it('is empty below a path that is not selected', async () => {
    expect(await namesAt('{ referrals { totalCount } }', ['nodes'], ['edges', 'node'])).toEqual([[], []]);
  });
});
