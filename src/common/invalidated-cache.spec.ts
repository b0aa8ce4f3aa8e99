import { jest } from '@jest/globals';
import { InvalidatedCache } from './invalidated-cache.js';

/** A load that resolves when told to, counting its calls. */
function gatedLoad<V>(value: V | null) {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const load = jest.fn(async () => {
    await gate;
    return value;
  });
  return { load, release };
}

describe('InvalidatedCache', () => {
  let clock = 0;
  const cache = (ttlMs = 1000, maxEntries = 3) =>
    new InvalidatedCache<string>({ ttlMs, maxEntries, now: () => clock });
  beforeEach(() => (clock = 0));

  it('answers a kept value without loading again, until it expires', async () => {
    const c = cache();
    const load = jest.fn(async () => 'v1');
    expect(await c.read('k', load)).toBe('v1');
    clock = 999;
    expect(await c.read('k', async () => 'v2')).toBe('v1');
    clock = 1000;
    expect(await c.read('k', async () => 'v2')).toBe('v2');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('forgets everything on invalidation', async () => {
    const c = cache();
    await c.read('a', async () => 'a1');
    await c.read('b', async () => 'b1');
    c.invalidate();
    expect(c.size).toBe(0);
    expect(await c.read('a', async () => 'a2')).toBe('a2');
  });

  it('answers but does not keep a read that an invalidation overtook', async () => {
    const c = cache();
    const stale = gatedLoad('before the change');
    const reading = c.read('k', stale.load);
    c.invalidate(); // the change commits while the read is under way
    stale.release();
    expect(await reading).toBe('before the change');
    expect(c.size).toBe(0);
    expect(await c.read('k', async () => 'after the change')).toBe('after the change');
  });

  it('keeps a read that started after the invalidation', async () => {
    const c = cache();
    c.invalidate();
    const fresh = gatedLoad('fresh');
    const reading = c.read('k', fresh.load);
    fresh.release();
    expect(await reading).toBe('fresh');
    expect(await c.read('k', async () => 'other')).toBe('fresh');
  });

  it('does not keep null, so a missing row is read again', async () => {
    const c = cache();
    expect(await c.read('k', async () => null)).toBeNull();
    expect(c.size).toBe(0);
    expect(await c.read('k', async () => 'now there')).toBe('now there');
  });

  it('does not keep a failed read', async () => {
    const c = cache();
    await expect(c.read('k', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(c.size).toBe(0);
  });

  it('drops the oldest entry past its bound', async () => {
    const c = cache(1000, 2);
    await c.read('a', async () => 'a');
    await c.read('b', async () => 'b');
    await c.read('c', async () => 'c');
    expect(c.size).toBe(2);
    expect(await c.read('a', async () => 'a again')).toBe('a again');
    expect(await c.read('c', async () => 'c again')).toBe('c');
  });

  it('keeps nothing with a time to live of 0', async () => {
    const c = cache(0);
    await c.read('k', async () => 'v1');
    expect(c.size).toBe(0);
    expect(await c.read('k', async () => 'v2')).toBe('v2');
  });
});
