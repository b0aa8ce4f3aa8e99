/** Child processes under test (the API, the ceiling, PostGraphile) and signing in to the seeded API. */
import { type ChildProcess, spawn } from 'node:child_process';
import { SEED_PASSWORD } from '../scripts/seed/generate.js';
import { LOGIN } from './scenarios.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The API's Node options in production: `npm run start:prod` and the Docker image's NODE_OPTIONS. */
export const PRODUCTION_NODE_ARGS = '--max-old-space-size=192 --max-semi-space-size=16';

export interface Running {
  name: string;
  child: ChildProcess;
  url: string;
  output: string[];
}
export async function startServer(
  name: string,
  args: string[],
  env: Record<string, string>,
  url: string,
  ready: () => Promise<boolean>,
): Promise<Running> {
  const child = spawn(process.execPath, args, {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    if (await ready().catch(() => false)) return { name, child, url, output };
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`${name} did not start:\n${output.join('').slice(-3000)}`);
}

export async function stopServer(server: Running): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise<void>((r) => server.child.once('exit', () => r()));
  server.child.kill('SIGTERM');
  await Promise.race([exited, sleep(15_000)]);
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
}

export async function gql(url: string, query: string, variables: unknown, token?: string): Promise<any> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

export async function login(apiUrl: string, emails: string[]): Promise<Map<string, string>> {
  const tokens = new Map<string, string>();
  const queue = [...new Set(emails)];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let email = queue.shift(); email; email = queue.shift()) {
        const body = await gql(`${apiUrl}/graphql`, LOGIN, { email, password: SEED_PASSWORD });
        const token = body?.data?.login?.token;
        if (!token)
          throw new Error(`login failed for a seeded account: ${JSON.stringify(body?.errors ?? body)}`);
        tokens.set(email, token);
      }
    }),
  );
  return tokens;
}
