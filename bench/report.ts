/** Renders a benchmark run as BENCHMARKS.md, keeping any hand-written analysis section of the previous file. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { createRequire } from 'node:module';
import type { LoadResult } from './load.js';

export interface ScenarioRun {
  scenario: string;
  label: string;
  server: string;
  result: LoadResult;
  rssPeakMiB: number;
}

export interface BenchReport {
  date: string;
  options: { seconds: number; connections: number[]; families: number; seed: string; apiNodeArgs?: string[] };
  seed: { families: number; seed: string; asOf: string; seconds: number; phases: Record<string, number> };
  postgres: string;
  databaseSize: string;
  counts: Record<string, number>;
  period: { from: string; to: string };
  /** Average referrals per family page of scenario 1. */
  familyPageReferrals?: number;
  runs: ScenarioRun[];
  statements: { scenario: string; server: string; label: string; perRequest: number }[];
  breakdowns: { label: string; rows: { query: string; perRequest: number }[] }[];
  apiIdleRssMiB: number;
  apiPeakRssMiB: number;
  peerVersions?: { postgraphile: string; graphql: string };
  writeFailureSample?: string;
  minutes: number;
}

const ANALYSIS = /<!-- analysis -->[\s\S]*?<!-- \/analysis -->/;
/** A response body as inline code on one line. */
const sample = (body: string) =>
  `\`${body
    .trim()
    .replace(/\s*\n\s*/g, ' ')
    .replace(/`/g, "'")}\``;
const n0 = (n: number) => Math.round(n).toLocaleString('en-GB');
const ms = (n: number) => (n >= 10 ? n.toFixed(0) : n.toFixed(1));
const ratio = (a: number, b: number) => (b ? `${(a / b).toFixed(2)}` : '–');

function versionOf(pkg: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    try {
      return (JSON.parse(readFileSync(`node_modules/${pkg}/package.json`, 'utf8')) as { version: string })
        .version;
    } catch {
      return '?';
    }
  }
}

const pct = (share: number | null | undefined) =>
  share === null || share === undefined ? '–' : `${Math.round(100 * share)}%`;

/** How busy the machine was with unrelated work during a set of runs (the figures are only as clean as that). */
function noiseNote(runs: ScenarioRun[]): string {
  const shares = runs.map((r) => r.result.otherCpu).filter((s): s is number => typeof s === 'number');
  if (!shares.length) return 'Unrelated CPU use during these runs: not measured.';
  const mean = shares.reduce((a, b) => a + b, 0) / shares.length;
  return (
    `Unrelated processes (other test runs on the machine) used about ${pct(mean)} of the CPU on average during these runs ` +
    `(at most ${pct(Math.max(...shares))}; approximate: /proc/stat busy time minus that of the benchmark's own processes).`
  );
}

function comparisonTable(report: BenchReport, scenario: string): string[] {
  const runs = report.runs.filter((r) => r.scenario === scenario);
  const find = (server: string, c: number) =>
    runs.find((r) => r.server === server && r.result.connections === c)?.result;
  const hasCeiling = runs.some((r) => r.server === 'ceiling');
  const hasPeer = runs.some((r) => r.server === 'PostGraphile');
  const head = ['connections', 'API req/s', 'API p50 ms', 'API p99 ms'];
  if (hasCeiling) head.push('ceiling req/s', 'ceiling p50', 'ceiling p99');
  if (hasPeer) head.push('PostGraphile req/s', 'PG p50', 'PG p99');
  if (hasCeiling) head.push('API ÷ ceiling (req/s)');
  if (hasPeer) head.push('API ÷ PostGraphile (req/s)');
  const lines = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const c of report.options.connections) {
    const api = find('API', c);
    const ceiling = find('ceiling', c);
    const peer = find('PostGraphile', c);
    const cells = [
      String(c),
      api ? n0(api.reqPerSec) : '–',
      api ? ms(api.p50) : '–',
      api ? ms(api.p99) : '–',
    ];
    if (hasCeiling)
      cells.push(
        ceiling ? n0(ceiling.reqPerSec) : '–',
        ceiling ? ms(ceiling.p50) : '–',
        ceiling ? ms(ceiling.p99) : '–',
      );
    if (hasPeer)
      cells.push(peer ? n0(peer.reqPerSec) : '–', peer ? ms(peer.p50) : '–', peer ? ms(peer.p99) : '–');
    if (hasCeiling) cells.push(api && ceiling ? ratio(api.reqPerSec, ceiling.reqPerSec) : '–');
    if (hasPeer) cells.push(api && peer ? ratio(api.reqPerSec, peer.reqPerSec) : '–');
    lines.push(`| ${cells.join(' | ')} |`);
  }
  lines.push('', noiseNote(runs));
  const failures = runs.filter((r) => r.result.non2xx || r.result.errors || r.result.failed);
  for (const f of failures)
    lines.push(
      '',
      `Failures in ${f.server} at ${f.result.connections} connections: ${f.result.non2xx} non-2xx, ${f.result.errors} errors/timeouts, ${f.result.failed} responses with GraphQL errors${f.result.failureSample ? ` (first: ${sample(f.result.failureSample)})` : ''}.`,
    );
  return lines;
}

export function renderReport(report: BenchReport, analysis: string): string {
  const cpu = cpus();
  const api = (scenario: string, c: number) =>
    report.runs.find((r) => r.scenario === scenario && r.server === 'API' && r.result.connections === c)
      ?.result;
  const other = (scenario: string, server: string, c: number) =>
    report.runs.find((r) => r.scenario === scenario && r.server === server && r.result.connections === c)
      ?.result;
  const maxC = Math.max(...report.options.connections);
  const targets: [string, string, boolean | null][] = [];
  for (const [s, name] of [
    ['1', 'Family page'],
    ['2', 'Inbox'],
  ] as const) {
    const a = api(s, maxC);
    const peer = other(s, 'PostGraphile', maxC);
    const ceiling = other(s, 'ceiling', maxC);
    const a8 = api(s, 8);
    if (a && peer)
      targets.push([
        `${name}: throughput ≥ PostGraphile at ${maxC} connections`,
        `${n0(a.reqPerSec)} vs ${n0(peer.reqPerSec)} req/s`,
        a.reqPerSec >= peer.reqPerSec,
      ]);
    if (a && ceiling)
      targets.push([
        `${name}: within 2× the SQL ceiling (req/s at ${maxC} connections)`,
        `${ratio(a.reqPerSec, ceiling.reqPerSec)} of the ceiling`,
        a.reqPerSec * 2 >= ceiling.reqPerSec,
      ]);
    if (a8) targets.push([`${name}: p99 < 50 ms at 8 connections`, `${ms(a8.p99)} ms`, a8.p99 < 50]);
  }
  for (const id of ['3a', '3b', '3c', '3d']) {
    const r = report.runs.find((x) => x.scenario === id && x.result.connections === 1);
    if (r)
      targets.push([
        `Year ${r.label}: p50 < 300 ms (1 connection)`,
        `${ms(r.result.p50)} ms`,
        r.result.p50 < 300,
      ]);
  }
  const writes = report.runs.filter((r) => r.scenario === '4');
  if (writes.length) {
    const best = Math.max(...writes.map((w) => w.result.reqPerSec / 2));
    targets.push(['Writes: ≥ 300 create+send pairs/s (best run)', `${n0(best)} pairs/s`, best >= 300]);
  }
  targets.push([
    'API resident memory < 300 MB',
    `peak ${n0(report.apiPeakRssMiB)} MiB`,
    report.apiPeakRssMiB < 300,
  ]);

  const lines: string[] = [
    '# Benchmarks',
    '',
    `Measured on ${report.date.slice(0, 16).replace('T', ' ')} UTC by \`npm run bench\`: ${n0(report.options.families)} families (seed \`${report.options.seed}\`),`,
    `each run ${report.options.seconds} s after a 2 s warm-up, autocannon over loopback on the same machine (client, server and`,
    `PostgreSQL share the cores). Whole run: ${report.minutes.toFixed(1)} minutes. Timings live here only; tests never assert them.`,
    '',
    '## Machine and versions',
    '',
    `- CPU: ${cpu[0]?.model ?? '?'} × ${cpu.length} cores; memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB; Linux ${release()}`,
    `- Node ${process.version}; PostgreSQL ${report.postgres} (embedded, shared_buffers 512MB, pg_stat_statements loaded)`,
    `- API: NestJS ${versionOf('@nestjs/core')}, @nestjs/graphql ${versionOf('@nestjs/graphql')}, Apollo Server ${versionOf('@apollo/server')} on Fastify ${versionOf('fastify')} (@nestjs/platform-fastify ${versionOf('@nestjs/platform-fastify')}), graphql ${versionOf('graphql')}, TypeORM ${versionOf('typeorm')}, pg ${versionOf('pg')}; NODE_ENV=production, LOG_LEVEL=warn, pool of 10, Node options \`${(report.options.apiNodeArgs ?? []).join(' ') || 'none'}\``,
    `- Ceiling: node:http + pg ${versionOf('pg')}, pool of 10 (bench/ceiling-server.ts)`,
    report.peerVersions
      ? `- Peer: PostGraphile ${report.peerVersions.postgraphile} (graphql ${report.peerVersions.graphql}) on node:http, pool of 10 (bench/peer/)`
      : '- Peer: not run',
    `- Load: autocannon ${versionOf('autocannon')}`,
    '',
    '## Data',
    '',
    `Seeded as of ${report.seed.asOf} in ${report.seed.seconds.toFixed(0)} s (${Object.entries(
      report.seed.phases,
    )
      .map(([k, v]) => `${k} ${v.toFixed(0)} s`)
      .join(', ')}); database size after the run ${report.databaseSize}.`,
    '',
    '| table | rows |',
    '|---|---:|',
    ...Object.entries(report.counts).map(([t, c]) => `| ${t} | ${n0(c)} |`),
    '',
    '## Targets',
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...targets.map(([t, m, ok]) => `| ${t} | ${m} | ${ok === null ? '–' : ok ? 'yes' : '**no**'} |`),
    '',
    '## Scenario 1: a lead professional’s family page',
    '',
    'One family with its area, members, lead professional, consents (giver, agencies) and every referral with service,',
    'agency and events (with actor), requested by the family’s lead professional; 200 families of 40 lead professionals in rotation' +
      (report.familyPageReferrals === undefined
        ? '.'
        : `, ${report.familyPageReferrals.toFixed(1)} referrals per family on average (the write scenario never touches these families).`),
    '',
    ...comparisonTable(report, '1'),
    '',
    '## Scenario 2: an agency inbox',
    '',
    'The first 50 SENT referrals of an agency (urgent first, oldest receipt first) with total count, service, family and children,',
    'requested by a member of that agency’s staff; 10 agencies in rotation.',
    '',
    ...comparisonTable(report, '2'),
    '',
    `## Scenario 3: a board’s year of metrics (${report.period.from} to ${report.period.to})`,
    '',
    'Board member (suppressed figures). All areas, and one agency (the busiest). API only.',
    '',
    '| query | connections | req/s | p50 ms | p99 ms | failed | other CPU |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...report.runs
      .filter((r) => r.scenario.startsWith('3'))
      .map(
        (r) =>
          `| ${r.label} | ${r.result.connections} | ${r.result.reqPerSec.toFixed(1)} | ${ms(r.result.p50)} | ${ms(r.result.p99)} | ${r.result.failed + r.result.non2xx + r.result.errors} | ${pct(r.result.otherCpu)} |`,
      ),
    ...report.runs
      .filter((r) => r.scenario.startsWith('3') && r.result.failureSample)
      .map(
        (r) =>
          `\nFirst failed response (${r.label}, ${r.result.connections} connections): ${sample(r.result.failureSample!)}`,
      ),
    '',
    '## Scenario 4: writes',
    '',
    'createReferral then sendReferral (consent and eligibility checks, events, audit rows) by the family’s lead professional,',
    'over random eligible family/service/children combinations. Latencies are per request; a pair is two requests.',
    '',
    '| connections | pairs/s | p50 ms | p99 ms | failed | other CPU |',
    '|---:|---:|---:|---:|---:|---:|',
    ...writes.map(
      (r) =>
        `| ${r.result.connections} | ${n0(r.result.reqPerSec / 2)} | ${ms(r.result.p50)} | ${ms(r.result.p99)} | ${r.result.failed + r.result.non2xx + r.result.errors} | ${pct(r.result.otherCpu)} |`,
    ),
    ...(report.writeFailureSample ? ['', `First failed response: ${sample(report.writeFailureSample)}`] : []),
    '',
    '## SQL statements per request',
    '',
    'Counted with pg_stat_statements (every statement the server sent, BEGIN/COMMIT included), averaged over 5 requests per row,',
    'each request sent once before counting: the API reads the caller on the first request of a sign-in only (one more',
    'statement then), as in the runs, where every token has been used before.',
    'For the family page the families are grouped by how many referrals they have: the count must not grow with it.',
    '',
    '| scenario | server | requests | statements per request |',
    '|---|---|---|---:|',
    ...report.statements.map(
      (s) => `| ${s.scenario} | ${s.server} | ${s.label} | ${s.perRequest.toFixed(1)} |`,
    ),
    '',
    ...report.breakdowns.flatMap((b) => [
      `<details><summary>${b.label}: statements by text</summary>`,
      '',
      '| per request | statement |',
      '|---:|---|',
      ...b.rows.map(
        (r) => `| ${r.perRequest.toFixed(1)} | \`${r.query.replace(/\|/g, '\\|').replace(/`/g, "'")}\` |`,
      ),
      '',
      '</details>',
      '',
    ]),
    '## Memory',
    '',
    `API process resident set: ${n0(report.apiIdleRssMiB)} MiB after start-up and login, peak ${n0(report.apiPeakRssMiB)} MiB during the runs (sampled every 200 ms).`,
    ...['ceiling', 'PostGraphile'].flatMap((s) => {
      const peak = Math.max(0, ...report.runs.filter((r) => r.server === s).map((r) => r.rssPeakMiB));
      return peak ? [`${s}: peak ${n0(peak)} MiB.`] : [];
    }),
    '',
    '## What the comparison measures',
    '',
    '- **Ceiling** does the same work the API must do for these two requests, by hand: verifies the HS256 token and its',
    '  revocation, loads the caller, checks access (lead professional of the family; staff of the receiving agency), writes',
    '  the audit row of a family read, and returns the same fields, built as JSON inside PostgreSQL in one statement',
    '  (both as named prepared statements, like the API’s family read and an agency’s inbox page of one status; the inbox',
    '  page in the order of the API’s inbox index, so that both read it as an ordered index scan). It reads the caller and',
    '  the revocation list in that statement on every request, which costs it no round trip of its own; the API keeps',
    '  them in memory between the requests of a sign-in until access changes (ARCHITECTURE.md, access model).',
    '- **PostGraphile** serves the same fields and orders from the same tables, but with no authentication, no access rules',
    '  and no audit row (its generated CRUD schema has none of the API’s rules); it is what a team gets for free. It sends',
    '  its statements as prepared statements (its default cache of 100 per connection).',
    '- All three are up together on the same data, each with a pool of 10 connections and no request logging. For each',
    '  scenario and number of connections they run back to back, in an order that rotates, so a slow phase of the machine',
    '  falls on all three alike.',
    '- The referrals the write scenario makes are deleted before the runs and after the writes (with their children and',
    '  events; their audit rows stay), so every run reads the seeded data set.',
    '',
    analysis,
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm ci',
    'npm run bench                          # 200,000 families; seeds .data-bench once (a few minutes), then ~10 minutes of runs',
    'npm run bench -- --seconds 5 --connections 8 --scenarios 1,2   # a quicker partial run',
    'npm run bench -- --families 20000 --reseed --out -             # smaller data, do not rewrite this file',
    'npm run bench:compare -- ../before/dist/src/main.js dist/src/main.js   # two builds, alternating runs',
    'npm run bench:compare -- --node-args-b="--max-old-space-size=192 --max-semi-space-size=64" dist/src/main.js dist/src/main.js   # Node options',
    '```',
    '',
    'This machine’s speed drifts by tens of per cent from one minute to the next, so a change is judged with',
    '`bench:compare`: both builds run side by side on the benchmark data, in alternating pairs of short runs of the',
    'family page and the inbox (`--scenarios 4` adds the writes), and it prints the median of the per-pair ratios.',
    'Two copies of the same build gave 0.94–1.02 over 10 pairs, and once 1.13 over 6: differences of about 10 % cannot',
    'be told apart on this machine.',
    '',
    'The benchmark database lives in `.data-bench/` on port 54339 (apart from the development database); PostGraphile is',
    'installed on first use with `npm ci --prefix bench/peer`. Raw results of every run are kept in `bench/results/*.json`.',
    '',
  ];
  return lines.join('\n');
}

export function writeReport(file: string, report: BenchReport): void {
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const analysis =
    ANALYSIS.exec(previous)?.[0] ??
    '<!-- analysis -->\n## Analysis\n\n(Profiling notes and before/after figures go here; this section survives re-runs.)\n<!-- /analysis -->';
  writeFileSync(file, renderReport(report, analysis));
}
