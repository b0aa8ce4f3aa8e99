import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { buildAppConfig, ConfigValidationError } from './config/app-config.js';
import { resolveJwtSecret } from './config/jwt-secret.js';
import { createApp } from './create-app.js';
import { openDatabase, type DatabaseRuntime } from './database/runtime.js';
import { DEMO_LOGINS, DEMO_PASSWORD, demoDataEnabled } from './modules/demo/demo-data.service.js';

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
      try {
        await app.close(); // stops accepting, drains requests, closes the pool
      } finally {
        await runtime?.close();
        process.exit(0);
      }
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));

    await app.listen(resolved.port);
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
