import { type ChildProcess, spawn } from 'node:child_process';
import request from 'supertest';
import { waitUntil } from './fault-cluster.js';

/** A real API process (`node main.js`), its output, and its exit. */
export interface ApiProcess {
  child: ChildProcess;
  port: number;
  url: string;
  output(): string;
  exited: Promise<number | null>;
  /** Sent at once (a supertest request is lazy until awaited). */
  gql(query: string, variables?: object, token?: string): Promise<request.Response>;
  stop(): Promise<void>;
}

export async function startApiProcess(
  mainJs: string,
  port: number,
  env: Record<string, string>,
  readyTimeoutMs = 90_000,
): Promise<ApiProcess> {
  const child = spawn(process.execPath, [mainJs], {
    env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => {
      if (gone) throw new Error(`the API process exited during start-up:\n${output}`);
      return /ready in/.test(output);
    },
    readyTimeoutMs,
    'the API process to start',
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${output}`);
  });
  return {
    child,
    port,
    url,
    output: () => output,
    exited,
    gql(query, variables = {}, token) {
      const req = request(url).post('/graphql').set('content-type', 'application/json');
      if (token) req.set('authorization', `Bearer ${token}`);
      return req.send({ query, variables }).then((r) => r);
    },
    async stop() {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
