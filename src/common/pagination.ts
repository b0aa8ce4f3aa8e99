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

/**
 * An edge whose cursor is encoded when first read: a page that lists nodes pays for the end cursor
 * only. A class with the getter on its prototype, not an object literal with a getter: with one
 * such literal per row, the rows of every page stayed reachable from the old generation until the
 * next full garbage collection (V8 gives each literal's accessor pair a place there), so they
 * were copied by young-generation collections and then promoted (BENCHMARKS.md, garbage collection).
 */
export class Edge<T, N> {
  readonly node: N;
  readonly #row: T;
  readonly #cursorOf: (row: T) => string;
  #cursor: string | undefined;

  constructor(row: T, node: N, cursorOf: (row: T) => string) {
    this.node = node;
    this.#row = row;
    this.#cursorOf = cursorOf;
  }

  get cursor(): string {
    return (this.#cursor ??= this.#cursorOf(this.#row));
  }

  toJSON(): { node: N; cursor: string } {
    return { node: this.node, cursor: this.cursor };
  }
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
  const edges = rows.slice(0, size).map((row) => new Edge(row, toNode(row), cursorOf));
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
