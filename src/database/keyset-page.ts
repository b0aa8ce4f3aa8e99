import type { DataSource } from 'typeorm';
import { prepared } from './prepared-statements.js';

/** Positional parameters, numbered as the SQL that uses them is written. */
export class SqlParams {
  readonly values: unknown[] = [];

  /** Adds a value and returns its placeholder ($1, $2, …). */
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * One keyset page of a filtered query (one row more than `limit`, so the caller can tell whether
 * another page follows) and the filter's total count. The count rides on the page as an
 * uncorrelated scalar subquery (computed once), so a page with rows is one statement; an empty page
 * (no match, or a cursor past the end) asks for the count on its own.
 * `after` writes the keyset condition (with its own parameters) when there is a cursor.
 * `prepare` sends the page as a named prepared statement (see prepared-statements.ts): only for
 * a page whose best plan does not depend on the values.
 */
export async function keysetPage<R>(
  db: DataSource,
  query: {
    select: string;
    from: string;
    where: string[];
    params: SqlParams;
    after: ((params: SqlParams) => string) | null;
    orderBy: string;
    limit: number;
    prepare?: boolean;
  },
): Promise<{ rows: R[]; total: number }> {
  const { params } = query;
  const filter = query.where.length ? `WHERE ${query.where.join(' AND ')}` : '';
  const countValues = [...params.values];
  const count = `SELECT count(*) AS total FROM ${query.from} ${filter}`;
  const keyset = query.after ? `${filter ? 'AND' : 'WHERE'} ${query.after(params)}` : '';
  const page = `SELECT ${query.select}, (${count}) AS keyset_total FROM ${query.from} ${filter} ${keyset}
      ORDER BY ${query.orderBy} LIMIT ${params.add(query.limit + 1)}`;
  const rows: (R & { keyset_total?: string })[] = await db.query(
    query.prepare ? prepared(page) : page,
    params.values,
  );
  let total: string;
  // The rows keep their keyset_total column: both callers map them to objects of their own, and
  // deleting a property would turn each row into a slow dictionary-mode object first.
  if (rows.length) {
    total = rows[0].keyset_total!;
  } else {
    [{ total }] = (await db.query(count, countValues)) as { total: string }[];
  }
  return { rows, total: Number(total) };
}
