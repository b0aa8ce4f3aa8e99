/**
 * Polls `read` until `done` holds, for at most `ms`; returns the last value read. For effects
 * that arrive asynchronously by design (PostgreSQL's notifications): the test then asserts on
 * the value, so a deadline passed fails the test on what it checks.
 */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!done(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    value = await read();
  }
  return value;
}
