import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAppConfig } from './app-config.js';
import { createLogging } from './logging.js';

/** Runs one request through the middleware and finishes its response. */
function pass(level: string, headers: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'logging-'));
  const logFile = join(dir, 'app.log');
  const { httpLogger } = createLogging({ ...buildAppConfig({ LOG_LEVEL: level }), logFile });
  const req = Object.assign(new EventEmitter(), {
    headers,
    method: 'POST',
    url: '/graphql',
  }) as IncomingMessage & {
    id?: unknown;
  };
  const res = Object.assign(new EventEmitter(), { statusCode: 200 }) as unknown as ServerResponse;
  let nexted = false;
  httpLogger(req, res, () => (nexted = true));
  res.emit('finish');
  const lines = readFileSync(logFile, 'utf8').split('\n').filter(Boolean);
  rmSync(dir, { recursive: true, force: true });
  return { id: req.id, nexted, lines: lines.map((line) => JSON.parse(line)) };
}

describe('request logging', () => {
  it('logs one line per request, with its id, at info', () => {
    const { id, nexted, lines } = pass('info');
    expect(nexted).toBe(true);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toHaveLength(1);
    expect(lines[0].req).toEqual({ id, method: 'POST', url: '/graphql' });
  });

  it('still gives every request an id when request lines are off, and writes nothing', () => {
    const { id, nexted, lines } = pass('warn');
    expect(nexted).toBe(true);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines).toEqual([]);
  });

  it.each(['info', 'warn'])('keeps a well-formed X-Request-Id and replaces any other (%s)', (level) => {
    expect(pass(level, { 'x-request-id': 'trace-1234.abc' }).id).toBe('trace-1234.abc');
    expect(pass(level, { 'x-request-id': 'no; spaces allowed' }).id).toMatch(/^[0-9a-f-]{36}$/);
  });
});
