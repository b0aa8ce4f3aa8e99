import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

const columnLists = new WeakMap<object, Map<string, string>>();

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
