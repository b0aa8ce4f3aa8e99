import { plainToInstance, Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  MinLength,
  Min,
  validateSync,
} from 'class-validator';
import { isKnownTimeZone } from '../common/dates.js';

const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'boolean') return value;
  const text = String(value).toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(text)) return true;
  if (['false', '0', 'no', 'off'].includes(text)) return false;
  return value; // left as is so that IsBoolean names the variable
};
const toInt = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value;

/** The process environment as the API accepts it; every variable is checked at boot. */
export class EnvironmentVariables {
  @IsOptional() @IsIn(['development', 'production', 'test']) NODE_ENV?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(65535) PORT?: number;
  /** An address or host name to listen on. */
  @IsOptional() @IsString() @Matches(/^[A-Za-z0-9.:-]+$/) HOST?: string;
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;
  @IsOptional() @IsString() DATA_DIR?: string;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1024) @Max(65535) EMBEDDED_DB_PORT?: number;
  @IsOptional()
  @IsString()
  @MinLength(32, { message: 'JWT_SECRET must be at least 32 characters' })
  JWT_SECRET?: string;
  @IsOptional() @Matches(/^\d+[smhd]$/, { message: 'JWT_TTL must look like 30m, 8h or 1d' }) JWT_TTL?: string;
  @IsOptional()
  @IsEmail({}, { message: 'BOOTSTRAP_ADMIN_EMAIL must be an email address' })
  BOOTSTRAP_ADMIN_EMAIL?: string;
  @IsOptional()
  @IsString()
  @MinLength(12, { message: 'BOOTSTRAP_ADMIN_PASSWORD must be at least 12 characters' })
  BOOTSTRAP_ADMIN_PASSWORD?: string;
  @IsOptional() @IsString() REPORTING_TIME_ZONE?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() DEMO_DATA?: boolean;
  @IsOptional() @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL?: string;
  @IsOptional() @Transform(toBool) @IsBoolean() MIGRATIONS_RUN?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(100) SUPPRESSION_MAX?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) @Max(200) DB_POOL_SIZE?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() DB_PREPARED_STATEMENTS?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) DB_ACQUIRE_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(100) DB_STATEMENT_TIMEOUT_MS?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() GRAPHQL_INTROSPECTION?: boolean;
  @IsOptional() @Transform(toBool) @IsBoolean() GRAPHQL_SANDBOX?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) LOGIN_MAX_FAILURES_PER_ACCOUNT?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) LOGIN_MAX_FAILURES_PER_ADDRESS?: number;
  @IsOptional() @Transform(toInt) @IsInt() @Min(1) LOGIN_FAILURE_WINDOW_MINUTES?: number;
  @IsOptional() @Transform(toBool) @IsBoolean() TRUST_PROXY?: boolean;
  @IsOptional() @Transform(toInt) @IsInt() @Min(0) @Max(3600) AUTH_CACHE_SECONDS?: number;
}

export interface AppConfig {
  nodeEnv: 'development' | 'production' | 'test';
  production: boolean;
  port: number;
  /** Address the HTTP server listens on. */
  host: string;
  /** Set when an external PostgreSQL is used; filled in at start for the embedded one. */
  databaseUrl?: string;
  embeddedDatabase: boolean;
  dataDir: string;
  embeddedDbPort: number;
  jwtSecret?: string;
  jwtTtl: string;
  bootstrapAdmin?: { email: string; password: string };
  reportingTimeZone: string;
  /** Undefined means "decide from the database kind" (on for embedded outside production). */
  demoData?: boolean;
  logLevel: string;
  /**
   * Optional file the logs are appended to (synchronously) instead of stdout; used by the log-privacy
   * tests. nestjs-pino builds one root logger per module registry, so the first application wins.
   */
  logFile?: string;
  migrationsRun: boolean;
  suppressionMax: number;
  db: { poolSize: number; acquireTimeoutMs: number; statementTimeoutMs: number; preparedStatements: boolean };
  graphql: { introspection: boolean; sandbox: boolean };
  login: { maxFailuresPerAccount: number; maxFailuresPerAddress: number; windowMinutes: number };
  /** How long a caller's access row is kept between requests at most (0: read on every request). */
  authCacheSeconds: number;
  trustProxy: boolean;
  /** Largest request body accepted, in bytes. */
  bodyLimit: number;
  /** Where the SDL is written at boot; `true` keeps it in memory (production). */
  schemaFile: string | true;
}

export class ConfigValidationError extends Error {}

/** Checks the environment; the message names every bad variable. Used by ConfigModule and by main. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { enableImplicitConversion: false });
  const problems = validateSync(env, { skipMissingProperties: false, whitelist: false }).flatMap((e) =>
    Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}`),
  );
  if (env.REPORTING_TIME_ZONE && !isKnownTimeZone(env.REPORTING_TIME_ZONE)) {
    problems.push('REPORTING_TIME_ZONE: not a known IANA time zone');
  }
  if (env.NODE_ENV === 'production' && !env.JWT_SECRET) {
    problems.push('JWT_SECRET: required when NODE_ENV=production');
  }
  if (Boolean(env.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(env.BOOTSTRAP_ADMIN_PASSWORD)) {
    problems.push('BOOTSTRAP_ADMIN_EMAIL/BOOTSTRAP_ADMIN_PASSWORD: set both or neither');
  }
  if (problems.length > 0) {
    throw new ConfigValidationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}

export function buildAppConfig(raw: Record<string, unknown> = process.env): AppConfig {
  const env = validateEnvironment(raw);
  const nodeEnv = (env.NODE_ENV ?? 'development') as AppConfig['nodeEnv'];
  const production = nodeEnv === 'production';
  return {
    nodeEnv,
    production,
    port: env.PORT ?? 3000,
    host: env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL,
    embeddedDatabase: !env.DATABASE_URL,
    dataDir: env.DATA_DIR ?? './.data',
    embeddedDbPort: env.EMBEDDED_DB_PORT ?? 54329,
    jwtSecret: env.JWT_SECRET,
    jwtTtl: env.JWT_TTL ?? '8h',
    bootstrapAdmin:
      env.BOOTSTRAP_ADMIN_EMAIL && env.BOOTSTRAP_ADMIN_PASSWORD
        ? { email: env.BOOTSTRAP_ADMIN_EMAIL, password: env.BOOTSTRAP_ADMIN_PASSWORD }
        : undefined,
    reportingTimeZone: env.REPORTING_TIME_ZONE ?? 'Europe/London',
    demoData: env.DEMO_DATA,
    logLevel: env.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    migrationsRun: env.MIGRATIONS_RUN ?? true,
    suppressionMax: env.SUPPRESSION_MAX ?? 5,
    db: {
      poolSize: env.DB_POOL_SIZE ?? 10,
      acquireTimeoutMs: env.DB_ACQUIRE_TIMEOUT_MS ?? 5000,
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS ?? 15000,
      preparedStatements: env.DB_PREPARED_STATEMENTS ?? true,
    },
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ?? !production,
      sandbox: env.GRAPHQL_SANDBOX ?? !production,
    },
    login: {
      maxFailuresPerAccount: env.LOGIN_MAX_FAILURES_PER_ACCOUNT ?? 10,
      maxFailuresPerAddress: env.LOGIN_MAX_FAILURES_PER_ADDRESS ?? 100,
      windowMinutes: env.LOGIN_FAILURE_WINDOW_MINUTES ?? 15,
    },
    authCacheSeconds: env.AUTH_CACHE_SECONDS ?? 60,
    trustProxy: env.TRUST_PROXY ?? false,
    bodyLimit: 1024 * 1024,
    schemaFile: production ? true : 'schema.gql',
  };
}

/** Injection token for the resolved AppConfig. */
export const APP_CONFIG = Symbol('APP_CONFIG');
