import type DataLoader from 'dataloader';

/**
 * The DataLoaders of one GraphQL request, created on first use. A new instance is made
 * for every request, so a cached row never crosses from one caller to another.
 */
export class RequestLoaders {
  private readonly loaders = new Map<string, DataLoader<unknown, unknown>>();

  get<K, V>(name: string, create: () => DataLoader<K, V>): DataLoader<K, V> {
    let loader = this.loaders.get(name);
    if (!loader) {
      loader = create() as unknown as DataLoader<unknown, unknown>;
      this.loaders.set(name, loader);
    }
    return loader as unknown as DataLoader<K, V>;
  }
}

/** A batch's answer for lists: the rows under each key, in row order (empty where a key has none). */
export function groupedBy<T>(
  rows: readonly T[],
  keys: readonly string[],
  keyOf: (row: T) => string | null,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === null) continue;
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((k) => groups.get(k) ?? []);
}

/** A batch's answer for single rows: the row with each id, or null. */
export function keyedById<T extends { id: string }>(
  rows: readonly T[],
  ids: readonly string[],
): (T | null)[] {
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => byId.get(id) ?? null);
}
