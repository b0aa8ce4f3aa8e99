import { type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql';

const RESOLVED = Symbol('resolved fields');

/**
 * Marks fields of a view as already resolved, by the service that built it and after the same
 * access checks its field resolvers make. Those fields then complete without a resolver call:
 * graphql-js completes an object synchronously only when none of its fields returns a promise,
 * and every NestJS field resolver returns one. On a page of 50 referrals with family, children
 * and service, resolving them with the page gave about 15 % more throughput.
 */
export function withResolvedFields<T extends object>(view: T, fields: Record<string, unknown>): T {
  Object.defineProperty(view, RESOLVED, { value: fields, enumerable: false, configurable: true });
  return view;
}

/**
 * Resolves the relations of `view` that the query shows (`shown`), each with its function, and
 * attaches them with withResolvedFields. A relation that fails is left out: its field resolver
 * then runs and reports the error on that object, as it would have without this.
 */
export async function resolveShown<T extends object>(
  view: T,
  shown: ReadonlySet<string> | undefined,
  relations: Record<string, () => unknown>,
): Promise<T> {
  const wanted = Object.entries(relations).filter(([name]) => shown?.has(name));
  if (!wanted.length) return view;
  const resolved: Record<string, unknown> = {};
  await Promise.all(
    wanted.map(async ([name, resolve]) => {
      try {
        resolved[name] = await resolve();
      } catch {
        // left to the field resolver
      }
    }),
  );
  return withResolvedFields(view, resolved);
}

/**
 * Schema transform: every field with a resolver first answers a value its parent carries from
 * withResolvedFields, and calls the resolver otherwise.
 */
export function answerResolvedFieldsFirst(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve: GraphQLFieldResolver<unknown, unknown> | undefined = field.resolve;
      if (!resolve) continue;
      const name = field.name;
      field.resolve = (source, args, context, info) => {
        const resolved = (source as { [RESOLVED]?: Record<string, unknown> } | null)?.[RESOLVED];
        return resolved && Object.hasOwn(resolved, name)
          ? resolved[name]
          : resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
