import { buildAppConfig } from '../config/app-config.js';
import { buildDataSourceOptions, IDLE_CONNECTIONS_KEPT } from './data-source-options.js';

const poolOf = (env: Record<string, string>) => {
  const options = buildDataSourceOptions({ ...buildAppConfig(env), databaseUrl: 'postgres://localhost/x' });
  return options.extra as { max: number; min: number; idleTimeoutMillis: number };
};

describe('database pool options', () => {
  it('keeps two connections open when idle and closes the others after the idle timeout', () => {
    const pool = poolOf({});
    expect(IDLE_CONNECTIONS_KEPT).toBe(2);
    expect(pool).toMatchObject({ max: 10, min: 2, idleTimeoutMillis: 30000 });
  });

  it('never keeps more connections than the pool may hold', () => {
    expect(poolOf({ DB_POOL_SIZE: '1' })).toMatchObject({ max: 1, min: 1 });
  });
});
