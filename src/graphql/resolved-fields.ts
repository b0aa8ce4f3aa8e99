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
  await resolveShownOfEach([view], shown, relations);
  return view;
}

/**
 * resolveShown for every view of a list, with relation functions that take the view: a page of 50
 * rows then costs one closure per relation, not one per row and relation.
 */
export async function resolveShownOfEach<T extends object>(
  views: readonly T[],
  shown: ReadonlySet<string> | undefined,
  relations: Record<string, (view: T) => unknown>,
): Promise<void> {
  const wanted = Object.keys(relations).filter((name) => shown?.has(name));
  if (!wanted.length) return;
  const pending: Promise<unknown>[] = [];
  for (const view of views) {
    // Attached at once and filled as the relations resolve: graphql-js reads it only after the
    // caller has awaited this function.
    const resolved: Record<string, unknown> = {};
    withResolvedFields(view, resolved);
    for (const name of wanted) {
      let value: unknown;
      try {
        value = relations[name](view);
      } catch {
        continue; // left to the field resolver
      }
      if (typeof (value as PromiseLike<unknown> | null)?.then === 'function') {
        pending.push(
          Promise.resolve(value).then(
            (v: unknown) => (resolved[name] = v),
            () => undefined, // left to the field resolver
          ),
        );
      } else {
        resolved[name] = value;
      }
    }
  }
  await Promise.all(pending);
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
