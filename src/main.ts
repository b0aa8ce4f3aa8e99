import 'reflect-metadata';
import type { Server } from 'node:http';
import { performance } from 'node:perf_hooks';
import { buildAppConfig, ConfigValidationError } from './config/app-config.js';
import { resolveJwtSecret } from './config/jwt-secret.js';
import { createApp } from './create-app.js';
import { openDatabase, type DatabaseRuntime } from './database/runtime.js';
import { DEMO_LOGINS, DEMO_PASSWORD, demoDataEnabled } from './modules/demo/demo-data.service.js';

/** How long in-flight requests may take to finish after SIGTERM before their connections are cut. */
const SHUTDOWN_GRACE_MS = 20_000;

/** Stops accepting connections, closes idle keep-alive ones, and resolves when the rest have finished. */
function drainHttpServer(server: Server, graceMs: number): Promise<void> {
  return new Promise((resolvePromise) => {
    const idle = setInterval(() => server.closeIdleConnections(), 100);
    const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(idle);
      clearTimeout(deadline);
      resolvePromise();
    });
    server.closeIdleConnections();
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  let config;
  try {
    config = buildAppConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      console.error(error.message);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  let runtime: DatabaseRuntime | undefined;
  try {
    runtime = await openDatabase(config);
    const resolved = { ...config, databaseUrl: runtime.databaseUrl, jwtSecret: resolveJwtSecret(config) };
    const app = await createApp(resolved);

    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      console.log(`${signal}: finishing in-flight requests and stopping`);
      let code = 0;
      try {
        // Stop accepting first and let in-flight requests finish while the pool is still open;
        // Nest's own close() would stop GraphQL and the pool before the HTTP server.
        await drainHttpServer(app.getHttpServer(), SHUTDOWN_GRACE_MS);
        await app.close(); // GraphQL, then the pool
      } catch (error) {
        console.error('shutdown failed:', error instanceof Error ? error.message : error);
        code = 1;
      } finally {
        await runtime?.close().catch(() => (code = 1));
        process.exit(code);
      }
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));

    await app.listen(resolved.port, resolved.host);
    const url = `http://localhost:${resolved.port}/graphql`;
    const lines = [
      `family-support-api ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${url}`,
      runtime.embedded
        ? `embedded PostgreSQL on port ${runtime.embedded.port}, data in ${runtime.embedded.dir}`
        : 'using DATABASE_URL',
    ];
    if (demoDataEnabled(resolved)) {
      lines.push(`demo logins (password "${DEMO_PASSWORD}"):`);
      for (const login of DEMO_LOGINS) lines.push(`  ${login.email.padEnd(42)} ${login.note}`);
    }
    console.log(lines.join('\n'));
  } catch (error) {
    console.error('start-up failed:', error instanceof Error ? error.message : error);
    await runtime?.close().catch(() => undefined);
    process.exit(1);
  }
}

void main();
