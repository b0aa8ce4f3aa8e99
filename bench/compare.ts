/**
 * `npm run bench:compare -- A B`: two API builds (their dist/src/main.js) side by side on the
 * benchmark database (`npm run bench` seeds it), driven in short alternating runs of the family
 * page and the inbox. This machine's speed drifts by tens of per cent between minutes, so two
 * builds measured one after the other cannot be compared; alternating pairs of short runs can.
 * Prints each pair, the medians and the median of the pair ratios B ÷ A, and each build's median CPU
 * time per request (steadier than throughput when the machine's speed drifts). Both builds must answer
 * the first request of each scenario with the same body.
 *
 *   --rounds N          pairs per scenario (default 10)
 *   --seconds S         length of each run (default 2)
 *   --connections C     default 8
 *   --scenarios LIST    default 1,2 (family page, inbox); 4 adds create + send (writes)
 *   --node-args-a=…     Node options for build A (default as in production: --max-old-space-size=192 --max-semi-space-size=16);
 *   --node-args-b=…     the same for B: with one build for both, compares Node settings
 *   --data-dir DIR      default .data-bench; --db-port (54339); ports 3201 and 3202
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type autocannon from 'autocannon';
import pg from 'pg';
import { EmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { EMBEDDED_DATABASE_NAME } from '../src/database/runtime.js';
import { CpuTime, type RequestSpec, rotating, runLoad, sendOnce } from './load.js';
import { FAMILY_PAGE, INBOX, loadFixtures, removeBenchmarkWrites, writeRequests } from './scenarios.js';
import { login, PRODUCTION_NODE_ARGS, type Running, startServer, stopServer } from './servers.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    rounds: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '2' },
    connections: { type: 'string', default: '8' },
    scenarios: { type: 'string', default: '1,2' },
    'data-dir': { type: 'string', default: '.data-bench' },
    'db-port': { type: 'string', default: '54339' },
    'node-args-a': { type: 'string', default: PRODUCTION_NODE_ARGS },
    'node-args-b': { type: 'string', default: PRODUCTION_NODE_ARGS },
  },
});
if (positionals.length !== 2) {
  console.error(
    'usage: npm run bench:compare -- <A: path to dist/src/main.js> <B: path to dist/src/main.js>',
  );
  process.exit(2);
}
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const nodeArgs = [values['node-args-a']!, values['node-args-b']!];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Both builds must answer the same request with the same body, and without errors. */
async function sameAnswers(label: string, servers: Running[], spec: RequestSpec): Promise<void> {
  const bodies = await Promise.all(servers.map(async (server) => (await sendOnce(server.url, spec)).text));
  if (bodies[0] !== bodies[1] || bodies[0].includes('"errors"')) {
    throw new Error(
      `${label}: the builds answer differently:\nA ${bodies[0].slice(0, 300)}\nB ${bodies[1].slice(0, 300)}`,
    );
  }
}

async function main(): Promise<void> {
  const database = new EmbeddedPostgres({
    dir: join(resolve(values['data-dir']!), 'postgres'),
    port: Number(values['db-port']),
    settings: { shared_buffers: '512MB', max_connections: '200' },
  });
  await database.start();
  const url = database.urlFor(EMBEDDED_DATABASE_NAME);
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const servers: Running[] = [];
  try {
    await removeBenchmarkWrites(pool);
    const fixtures = await loadFixtures(pool);
    const jwtSecret = randomBytes(32).toString('hex');
    for (const [index, entry] of positionals.entries()) {
      const port = 3201 + index;
      servers.push(
        await startServer(
          index ? 'B' : 'A',
          [...nodeArgs[index].split(' ').filter(Boolean), resolve(entry)],
          {
            NODE_ENV: 'production',
            DATABASE_URL: url,
            JWT_SECRET: jwtSecret,
            PORT: String(port),
            LOG_LEVEL: 'warn',
            DEMO_DATA: 'false',
          },
          `http://127.0.0.1:${port}`,
          async () => (await fetch(`http://127.0.0.1:${port}/health`)).status === 200,
        ),
      );
    }
    // Both builds share the secret, so a token from one is valid for the other.
    const chosen = values.scenarios!.split(',').map((s) => s.trim());
    const pages = fixtures.familyPages.slice(0, 40);
    const tokens = await login(servers[0].url, [
      ...pages.map((f) => f.leadEmail),
      ...fixtures.inboxes.map((i) => i.staffEmail),
      ...(chosen.includes('4') ? fixtures.writes.map((w) => w.leadEmail) : []),
    ]);
    const reads = (specs: RequestSpec[]) => ({ specs, requests: () => rotating(specs) });
    const writes = { failed: 0, sample: undefined as string | undefined };
    const scenarios: Record<
      string,
      { label: string; specs?: RequestSpec[]; requests: () => autocannon.Request[] }
    > = {
      '1': {
        label: 'family page',
        ...reads(
          pages.map((f) => ({
            path: '/graphql',
            body: JSON.stringify({ query: FAMILY_PAGE, variables: { id: f.familyId } }),
            token: tokens.get(f.leadEmail),
          })),
        ),
      },
      '2': {
        label: 'inbox',
        ...reads(
          fixtures.inboxes.map((i) => ({
            path: '/graphql',
            body: JSON.stringify({ query: INBOX, variables: { agencyId: i.agencyId, first: 50 } }),
            token: tokens.get(i.staffEmail),
          })),
        ),
      },
      // Writes differ by id from build to build, so their answers are checked, not compared.
      '4': { label: 'create + send', requests: () => writeRequests(fixtures, tokens, writes) },
    };
    for (const scenario of chosen) {
      const { label, specs: list, requests } = scenarios[scenario];
      if (list) await sameAnswers(label, servers, list[0]);
      const run = (server: Running, runSeconds: number) =>
        runLoad({ url: server.url, connections, seconds: runSeconds, requests: requests() });
      for (const server of servers) await run(server, 3); // warm-up
      const a: number[] = [];
      const b: number[] = [];
      const p99: [number[], number[]] = [[], []];
      const cpuPerRequest: [number[], number[]] = [[], []];
      const cpu = servers.map((server) => new CpuTime(() => server.child.pid ?? 0, false));
      for (let round = 0; round < rounds; round++) {
        // Alternate which build goes first, so neither always follows the other.
        const order = round % 2 ? [1, 0] : [0, 1];
        for (const index of order) {
          cpu[index].begin();
          const result = await run(servers[index], seconds);
          const used = cpu[index].end();
          if (used !== null) cpuPerRequest[index].push(used / result.requests);
          if (result.non2xx || result.errors || result.failed || writes.failed) {
            throw new Error(`${label}: failed requests ${writes.sample ?? ''}`);
          }
          (index ? b : a).push(result.reqPerSec);
          p99[index].push(result.p99);
        }
      }
      const ratios = a.map((value, i) => b[i] / value);
      console.log(
        `${label}, ${connections} connections, req/s in ${rounds} alternating pairs of ${seconds} s runs`,
      );
      console.log(`  A ${a.map((v) => v.toFixed(0)).join(' ')}`);
      console.log(`  B ${b.map((v) => v.toFixed(0)).join(' ')}`);
      console.log(
        `  median A ${median(a).toFixed(0)}, B ${median(b).toFixed(0)}; median of B ÷ A per pair ${median(ratios).toFixed(3)} (range ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)})`,
      );
      console.log(`  p99 ms, median of the runs: A ${median(p99[0])}, B ${median(p99[1])}`);
      if (cpuPerRequest[0].length === rounds && cpuPerRequest[1].length === rounds) {
        const cpuRatios = cpuPerRequest[0].map((value, i) => cpuPerRequest[1][i] / value);
        console.log(
          `  API CPU ms per request, median of the runs: A ${median(cpuPerRequest[0]).toFixed(2)}, B ${median(cpuPerRequest[1]).toFixed(2)}; median of B ÷ A per pair ${median(cpuRatios).toFixed(3)}`,
        );
      }
    }
  } finally {
    for (const server of servers) await stopServer(server);
    await removeBenchmarkWrites(pool);
    await pool.end();
    await database.stop();
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
