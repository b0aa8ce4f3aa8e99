import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AppConfig } from './app-config.js';

/**
 * JWT_SECRET when set; outside production a generated one kept in DATA_DIR so that tokens
 * survive restarts. Production refuses to boot without JWT_SECRET (see validateEnvironment).
 */
export function resolveJwtSecret(config: AppConfig): string {
  if (config.jwtSecret) return config.jwtSecret;
  if (config.production) throw new Error('JWT_SECRET: required when NODE_ENV=production');
  const dir = resolve(config.dataDir);
  const file = join(dir, 'jwt-secret');
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}
