// PostGraphile v4 as a plain node:http server over the benchmark database: the peer that a team
// could pick instead of writing the API. Run by bench/run.ts with DATABASE_URL and PORT.
import { createServer } from 'node:http';
import pg from 'pg';
import postgraphilePackage from 'postgraphile';

const { postgraphile } = postgraphilePackage;
const pool = new pg.Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE ?? 10),
  application_name: 'bench-peer',
});
const handler = postgraphile(pool, 'public', {
  // Production-style settings: no watch mode, no GraphiQL, no per-query logging.
  watchPg: false,
  graphiql: false,
  disableQueryLog: true,
  dynamicJson: true,
  setofFunctionsContainNulls: false,
  ignoreRBAC: true,
  enableQueryBatching: false,
  retryOnInitFail: false,
});
const server = createServer(handler);
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 5050), '127.0.0.1', () => console.log('peer ready'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));
