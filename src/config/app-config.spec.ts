import { buildAppConfig, ConfigValidationError, validateEnvironment } from './app-config.js';

describe('configuration', () => {
  it('applies the documented defaults', () => {
    const config = buildAppConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '0.0.0.0',
      embeddedDatabase: true,
      dataDir: './.data',
      jwtTtl: '8h',
      reportingTimeZone: 'Europe/London',
      migrationsRun: true,
      suppressionMax: 5,
      authCacheSeconds: 60,
      production: false,
    });
    expect(config.db.preparedStatements).toBe(true);
    expect(config.demoData).toBeUndefined();
  });

  it('reads and converts values', () => {
    const config = buildAppConfig({
      PORT: '8080',
      HOST: '::',
      DATABASE_URL: 'postgres://u:p@db:5432/app',
      MIGRATIONS_RUN: 'false',
      DEMO_DATA: 'true',
      SUPPRESSION_MAX: '9',
      DB_PREPARED_STATEMENTS: 'false',
      AUTH_CACHE_SECONDS: '0',
    });
    expect(config.db.preparedStatements).toBe(false);
    expect(config).toMatchObject({
      port: 8080,
      host: '::',
      embeddedDatabase: false,
      migrationsRun: false,
      demoData: true,
      suppressionMax: 9,
      authCacheSeconds: 0,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ HOST: 'a b' }, 'HOST'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ JWT_TTL: 'forever' }, 'JWT_TTL'],
    [{ REPORTING_TIME_ZONE: 'Mars/Olympus' }, 'REPORTING_TIME_ZONE'],
    [{ DEMO_DATA: 'perhaps' }, 'DEMO_DATA'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [
      { BOOTSTRAP_ADMIN_EMAIL: 'not-an-email', BOOTSTRAP_ADMIN_PASSWORD: 'long enough password' },
      'BOOTSTRAP_ADMIN_EMAIL',
    ],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'a@b.example' }, 'BOOTSTRAP_ADMIN_EMAIL/BOOTSTRAP_ADMIN_PASSWORD'],
    [{ NODE_ENV: 'production' }, 'JWT_SECRET'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET'],
    [{ AUTH_CACHE_SECONDS: '-1' }, 'AUTH_CACHE_SECONDS'],
    [{ AUTH_CACHE_SECONDS: '3601' }, 'AUTH_CACHE_SECONDS'],
  ])('refuses %j naming %s', (env, variable) => {
    expect(() => validateEnvironment(env)).toThrow(ConfigValidationError);
    expect(() => validateEnvironment(env)).toThrow(new RegExp(`${variable.replace('/', '\\/')}:`));
  });

  it('requires JWT_SECRET only in production', () => {
    expect(() => buildAppConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).not.toThrow();
    expect(buildAppConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) }).graphql).toEqual({
      introspection: false,
      sandbox: false,
    });
  });
});
