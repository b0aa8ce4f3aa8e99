import { jest } from '@jest/globals';
import argon2 from 'argon2';
import { hashPassword, PASSWORD_HASHES_AT_ONCE, verifyPassword } from './passwords.js';

describe('password hashing', () => {
  afterEach(() => jest.restoreAllMocks());

  it('verifies the password a hash was made from, and no other', async () => {
    const hash = await hashPassword('correct horse battery staple');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=65536,p=4,t=3\$/);
    await expect(verifyPassword(hash, 'correct horse battery staple')).resolves.toBe(true);
    await expect(verifyPassword(hash, 'correct horse battery stapler')).resolves.toBe(false);
  });

  it('answers false for a stored value that is not a hash', async () => {
    await expect(verifyPassword('not-a-hash', 'anything')).resolves.toBe(false);
  });

  it('runs no more hashes at once than the gate allows, and serves every caller', async () => {
    let running = 0;
    let most = 0;
    jest.spyOn(argon2, 'verify').mockImplementation(async (_hash, password) => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
      return password === 'right';
    });
    const attempts = Array.from({ length: PASSWORD_HASHES_AT_ONCE * 3 + 1 }, (_, i) =>
      verifyPassword('$argon2id$stub', i % 2 ? 'right' : 'wrong'),
    );
    const results = await Promise.all(attempts);
    expect(most).toBe(PASSWORD_HASHES_AT_ONCE);
    expect(results).toEqual(attempts.map((_, i) => i % 2 === 1));
  });
});
