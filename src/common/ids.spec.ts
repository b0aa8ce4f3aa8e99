import { isId, newId } from './ids.js';

describe('ids', () => {
  it('makes time-ordered UUIDs (version 7) that sort in the order they were made', () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    for (const id of ids) {
      expect(isId(id)).toBe(true);
      expect(id[14]).toBe('7');
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });

  it('puts the creation time in the leading 48 bits', () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    const at = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
    expect(at).toBeGreaterThanOrEqual(before);
    expect(at).toBeLessThanOrEqual(after);
  });

  it('accepts only UUIDs as ids', () => {
    expect(isId('not-an-id')).toBe(false);
    expect(isId(42)).toBe(false);
    expect(isId('00000000-0000-4000-8000-000000000000')).toBe(true);
  });
});
