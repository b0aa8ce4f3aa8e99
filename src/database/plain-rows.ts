import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

const columnLists = new WeakMap<object, Map<string, string>>();
const jsonConversions = new WeakMap<object, { dates: string[]; bigints: string[] }>();

/**
 * The entity's columns as `t."db_name" AS "propertyName"`, read from TypeORM's metadata once.
 * Dates stay 'YYYY-MM-DD' text and enum arrays plain arrays, as TypeORM would return them.
 */
export function columnList(
  db: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  omit: readonly string[] = [],
): string {
  let lists = columnLists.get(entity as object);
  if (!lists) columnLists.set(entity as object, (lists = new Map()));
  const key = omit.join(',');
  let list = lists.get(key);
  if (!list) {
    list = db
      .getMetadata(entity)
      .columns.filter((c) => !omit.includes(c.propertyName))
      .map((c) => {
        const cast = c.type === 'date' ? '::text' : c.isArray && c.type === 'enum' ? '::text[]' : '';
        return `t."${c.databaseName}"${cast} AS "${c.propertyName}"`;
      })
      .join(', ');
    lists.set(key, list);
  }
  return list;
}

/**
 * Rows whose `column` is one of `ids`, as plain objects shaped like the entity. Loaders use this
 * instead of repository finds: TypeORM's query building and entity hydration cost more CPU than
 * the query itself on pages that batch-load many small lists.
 */
export function rowsWhereIn<T>(
  db: DataSource,
  entity: EntityTarget<T & ObjectLiteral>,
  column: string,
  ids: readonly string[],
  orderBy = 't.id',
  omit: readonly string[] = [],
): Promise<T[]> {
  if (!ids.length) return Promise.resolve([]);
  const table = db.getMetadata(entity).tableName;
  return db.query(
    `SELECT ${columnList(db, entity, omit)} FROM "${table}" t WHERE t."${column}" = ANY($1::uuid[]) ORDER BY ${orderBy}`,
    [ids],
  );
}

/**
 * A JSON array of the entity's rows that match `where` (table alias `t`), ordered by `orderBy`
 * over the entity's property names (`x."seq"`), as a scalar subquery. One statement can bring
 * several such lists along with its own row.
 */
export function jsonRows(
  db: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  where: string,
  orderBy: string,
  extraColumns = '',
): string {
  const table = db.getMetadata(entity).tableName;
  return `(SELECT coalesce(json_agg(x ORDER BY ${orderBy}), '[]'::json)
             FROM (SELECT ${columnList(db, entity)}${extraColumns ? `, ${extraColumns}` : ''}
                     FROM "${table}" t WHERE ${where}) x)`;
}

/**
 * Rows read as JSON (jsonRows, or any JSON named by the entity's property names), shaped as the
 * same rows read directly: JSON carries timestamps as text and bigints as numbers, where pg gives
 * Dates and strings. Properties the entity does not have are left as they are.
 */
export function rowsFromJson<T>(db: DataSource, entity: EntityTarget<ObjectLiteral>, json: unknown): T[] {
  let conversions = jsonConversions.get(entity as object);
  if (!conversions) {
    // Read from the metadata once per entity: a page converts a family row for each of its rows.
    const columns = db.getMetadata(entity).columns;
    conversions = {
      dates: columns.filter((c) => c.type === 'timestamptz').map((c) => c.propertyName),
      bigints: columns.filter((c) => c.type === 'bigint').map((c) => c.propertyName),
    };
    jsonConversions.set(entity as object, conversions);
  }
  const { dates, bigints } = conversions;
  return (json as Record<string, unknown>[]).map((row) => {
    for (const name of dates) if (row[name] != null) row[name] = new Date(row[name] as string);
    for (const name of bigints) if (row[name] != null) row[name] = String(row[name]);
    return row as T;
  });
}
