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

type QueryCallback = (error: Error | null, result: pg.QueryResult) => void;
const plainQuery = pg.Client.prototype.query;
const queryWithCallback = plainQuery as unknown as (
  this: pg.Client,
  config: pg.QueryConfig,
  callback: QueryCallback,
) => void;

/**
 * A call without a callback (TypeORM's, and every other here) is answered through node-postgres's
 * callback form, wrapped in a promise of our own, rather than through its promise form: with the
 * promise node-postgres makes itself, each statement's rows stayed reachable across
 * young-generation collections until the next full one, so they were copied and then promoted
 * (BENCHMARKS.md, garbage collection). Errors still get a stack trace that leads back to the
 * caller, as node-postgres gives them. With `byName`, statements marked with `prepared` go by name.
 */
function answer(client: pg.Client, args: unknown[], byName: boolean) {
  const [text, values, callback] = args;
  if (
    typeof text !== 'string' ||
    callback !== undefined ||
    (values !== undefined && !Array.isArray(values))
  ) {
    return plainQuery.apply(client, args as QueryArgs);
  }
  const name = byName ? names.get(text) : undefined;
  const config: pg.QueryConfig =
    name === undefined
      ? { text, values: values as unknown[] | undefined }
      : { name, text, values: values as unknown[] | undefined };
  return new Promise<pg.QueryResult>((resolve, reject) => {
    queryWithCallback.call(client, config, (error, result) => (error ? reject(error) : resolve(result)));
  }).catch((error: Error) => {
    Error.captureStackTrace(error);
    throw error;
  });
}

/** node-postgres's client, sending every statement as text (DB_PREPARED_STATEMENTS=false). */
export class TextStatementClient extends pg.Client {}
TextStatementClient.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  return answer(this, args, false);
} as typeof plainQuery;

/**
 * node-postgres's client, sending statements marked with `prepared` by name. node-postgres
 * remembers per connection which names it has prepared, so a new connection (after a database
 * restart, say) prepares them again on first use.
 */
export class PreparingClient extends pg.Client {}
PreparingClient.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  return answer(this, args, true);
} as typeof plainQuery;
