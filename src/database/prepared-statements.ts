import pg from 'pg';

/**
 * Statements sent as named prepared statements, by text. PostgreSQL then parses and plans such a
 * statement once per connection (a generic plan after five runs when it costs no more), and each
 * later run sends only the statement's name and parameters. On the write path this was most of
 * PostgreSQL's time per statement: planning alone took longer than running the send's read.
 */
const names = new Map<string, string>();

/**
 * Bounds the statements each connection keeps prepared, whatever a caller marks: a marked text is
 * built from a fixed template, so its variants are few, and past this bound texts go unnamed.
 */
export const MAX_PREPARED_STATEMENTS = 200;

/**
 * Marks `sql` to be sent as a named prepared statement and returns it unchanged. Only for
 * - statements whose text comes from a fixed template (values always as $n parameters);
 * - statements that list their result columns (no `*` at the top level): a prepared statement
 *   whose result columns change, for instance by a migration adding a column under `SELECT *`,
 *   fails until the process restarts;
 * - statements whose best plan does not depend on the values: look-ups by key, and pages that
 *   an index gives in order for any value (an agency's inbox of one status); not the filtered,
 *   ordered pages whose best plan depends on how many rows match.
 */
export function prepared(sql: string): string {
  if (!names.has(sql) && names.size < MAX_PREPARED_STATEMENTS) names.set(sql, `fsapi_${names.size + 1}`);
  return sql;
}

/** The name a marked statement is sent under (undefined when it is sent unnamed). */
export function preparedName(sql: string): string | undefined {
  return names.get(sql);
}

type QueryArgs = Parameters<pg.Client['query']>;

/**
 * node-postgres's client, sending statements marked with `prepared` by name. node-postgres
 * remembers per connection which names it has prepared, so a new connection (after a database
 * restart, say) prepares them again on first use. Used as the pool's `Client`.
 */
export class PreparingClient extends pg.Client {}

const plainQuery = pg.Client.prototype.query;
PreparingClient.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const [text, values, callback] = args;
  const name = typeof text === 'string' && callback === undefined ? names.get(text) : undefined;
  if (name !== undefined && (values === undefined || Array.isArray(values))) {
    const byName = plainQuery as (this: pg.Client, config: pg.QueryConfig) => Promise<pg.QueryResult>;
    return byName.call(this, { name, text: text as string, values: values as unknown[] | undefined });
  }
  return plainQuery.apply(this, args as QueryArgs);
} as typeof plainQuery;
