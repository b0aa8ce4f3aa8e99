import { availableParallelism } from 'node:os';
import argon2 from 'argon2';
import pLimit from 'p-limit';

// argon2id with the library's defaults (64 MiB, 3 passes, 4 lanes) as recommended by OWASP.
//
// Each hash or verification holds its 64 MiB until it ends, and its lanes already keep several
// cores busy, so running more at once than half the cores adds memory but hardly any sign-ins per
// second (on 2 cores: 4.3 verifications/s one at a time, 5.0 two at a time, 4.8 four at a time).
// Without this gate a burst of sign-ins ran four at once on libuv's pool, 256 MiB on top of the
// process. The gate bounds it at `PASSWORD_HASHES_AT_ONCE` × 64 MiB; the rest wait their turn.
export const PASSWORD_HASHES_AT_ONCE = Math.max(1, Math.floor(availableParallelism() / 2));
const passwordHashGate = pLimit(PASSWORD_HASHES_AT_ONCE);

export const hashPassword = (password: string): Promise<string> =>
  passwordHashGate(() => argon2.hash(password, { type: argon2.argon2id }));

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await passwordHashGate(() => argon2.verify(hash, password));
  } catch {
    return false;
  }
}
