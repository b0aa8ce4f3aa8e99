import { type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';

/**
 * The names of the fields a query selects at `path` below the field being resolved, through
 * fragments and inline fragments. A resolver uses it to read, in its own statement, rows that
 * field resolvers further down would otherwise fetch in statements of their own.
 * `@skip` and `@include` are not evaluated: a field they leave out may still be listed, which
 * costs at most a read that is not used.
 */
export function selectedFieldNames(info: GraphQLResolveInfo, path: readonly string[]): Set<string> {
  let level: SelectionSetNode[] = info.fieldNodes.flatMap((node) =>
    node.selectionSet ? [node.selectionSet] : [],
  );
  for (const name of path) {
    const next: SelectionSetNode[] = [];
    visitFields(info, level, (field) => {
      if (field.name.value === name && field.selectionSet) next.push(field.selectionSet);
    });
    level = next;
  }
  const names = new Set<string>();
  visitFields(info, level, (field) => names.add(field.name.value));
  return names;
}

function visitFields(
  info: GraphQLResolveInfo,
  sets: readonly SelectionSetNode[],
  visit: (field: { name: { value: string }; selectionSet?: SelectionSetNode }) => void,
  seenFragments = new Set<string>(),
): void {
  for (const set of sets) {
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        visit(selection);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        visitFields(info, [selection.selectionSet], visit, seenFragments);
      } else {
        const name = selection.name.value;
        const fragment = info.fragments[name];
        // Validation rejects fragment cycles; the guard keeps a spread used twice from being walked twice.
        if (!fragment || seenFragments.has(name)) continue;
        seenFragments.add(name);
        visitFields(info, [fragment.selectionSet], visit, seenFragments);
      }
    }
  }
}
