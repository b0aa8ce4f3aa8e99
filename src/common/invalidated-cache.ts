/**
 * A bounded, expiring map of values read from the database, for caches that are told when the
 * rows behind them change. A read that overlaps an invalidation is answered but not kept: it may
 * have seen the rows from before the change, and keeping it would outlive the invalidation.
 */
export class InvalidatedCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  /** Bumped by every invalidation; a read keeps its value only if this did not move meanwhile. */
  private generation = 0;

  constructor(
    private readonly options: { ttlMs: number; maxEntries: number; now?: () => number },
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value kept for `key`, or `load()`'s, kept unless null or invalidated while loading. */
  async read(key: string, load: () => Promise<V | null>): Promise<V | null> {
    const now = this.now();
    const kept = this.entries.get(key);
    if (kept && kept.expiresAt > now) return kept.value;
    if (kept) this.entries.delete(key);
    const generation = this.generation;
    const value = await load();
    if (value !== null && generation === this.generation && this.options.ttlMs > 0) {
      // Map order is insertion order: past the bound, the oldest entry goes first.
      if (this.entries.size >= this.options.maxEntries) {
        this.entries.delete(this.entries.keys().next().value as string);
      }
      this.entries.set(key, { value, expiresAt: this.now() + this.options.ttlMs });
    }
    return value;
  }

  /** Forgets every value, including those of reads still under way. */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  private now(): number {
    return (this.options.now ?? Date.now)();
  }
}
