import { Field, ObjectType } from '@nestjs/graphql';
import { badInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ObjectType()
export class PageInfo {
  @Field() hasNextPage: boolean;
  @Field(() => String, { nullable: true }) endCursor: string | null;
}

export function pageSize(first: number | null | undefined): number {
  const size = first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return size;
}

/** Opaque keyset cursor: the sort key of the last row, base64url-encoded. */
export function encodeCursor(key: ReadonlyArray<string | number | null>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(
  cursor: string | null | undefined,
  arity: number,
): (string | number | null)[] | null {
  if (cursor === null || cursor === undefined) return null;
  try {
    if (cursor.length > 500) throw new Error('too long');
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((v) => v === null || typeof v === 'string' || typeof v === 'number')
    ) {
      return key as (string | number | null)[];
    }
  } catch {
    // fall through to the error below
  }
  throw badInput('after is not a valid cursor');
}

/** Builds a contract connection (edges, nodes, pageInfo, totalCount) from rows fetched with one extra row. */
export function toConnection<T, N>(
  rows: T[],
  size: number,
  totalCount: number,
  cursorOf: (row: T) => string,
  toNode: (row: T) => N,
) {
  const hasNextPage = rows.length > size;
  const pageRows = rows.slice(0, size);
  // An edge's cursor is encoded when read: a page that lists nodes pays for the end cursor only.
  const edges = pageRows.map((row) => {
    let cursor: string | undefined;
    return {
      node: toNode(row),
      get cursor(): string {
        return (cursor ??= cursorOf(row));
      },
    };
  });
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount,
  };
}

/** The connection of a filter that can match nothing (an id that cannot name a record). */
export const emptyConnection = <N>() =>
  toConnection<N, N>(
    [],
    1,
    0,
    () => '',
    (row) => row,
  );
