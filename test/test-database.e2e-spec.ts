import { assertTestDatabaseName, dropTestDatabase, newTestDatabaseName } from './support/test-database.js';

describe('test database guard', () => {
  it('only ever drops databases whose names mark them as test databases', async () => {
    const adminUrl = process.env.TEST_ADMIN_URL!;
    for (const name of ['postgres', 'family_support', 'fsa_test', 'fsa_test_x; DROP DATABASE postgres']) {
      await expect(dropTestDatabase(adminUrl, name)).rejects.toThrow(/refusing/);
    }
    expect(() => assertTestDatabaseName(newTestDatabaseName('Any Label!'))).not.toThrow();
  });
});
