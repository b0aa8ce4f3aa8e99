import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import {
  type FieldNode,
  getNamedType,
  getNullableType,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/pagination.js';

/**
 * Limits every operation must meet before it executes. Chosen so that the largest
 * legitimate screen (a full page of 100 families with their members and referrals)
 * passes with room to spare, while a document built to exhaust the server does not.
 */
export const GRAPHQL_LIMITS = {
  /** Nesting of selections (fragments flattened). */
  maxDepth: 8,
  /** Weighted cost, see `operationCost`. */
  maxCost: 25_000,
  /** Aliased fields per operation (aliases are how one request multiplies a costly field). */
  maxAliases: 15,
  /** Directives per operation. */
  maxDirectives: 10,
  /** Lexical tokens per document: bounds parsing work before anything else runs. */
  maxTokens: 2_000,
  /** Longest string accepted anywhere (literal or variable); fields have tighter @MaxLength limits. */
  maxStringLength: 10_000,
  /** Weight of a list field that takes no page size (e.g. `areas`): an estimate of its length. */
  unpagedListWeight: 10,
} as const;

const refuse = (context: ValidationContext, message: string) =>
  context.reportError(new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } }));

/**
 * Page size a field will return: a literal `first` (clamped to the maximum), the maximum
 * page size when `first` is a variable (its value is not known during validation), or the
 * default page size when it is omitted.
 */
function pageWeight(node: FieldNode): number {
  const first = node.arguments?.find((a) => a.name.value === 'first' || a.name.value === 'last');
  if (!first) return DEFAULT_PAGE_SIZE;
  if (first.value.kind === Kind.INT) {
    const n = Number.parseInt(first.value.value, 10);
    return Math.min(Math.max(Number.isFinite(n) ? n : MAX_PAGE_SIZE, 1), MAX_PAGE_SIZE);
  }
  return MAX_PAGE_SIZE;
}

/**
 * Cost of an operation: every field costs 1, plus the cost of its selections; the subtree
 * of a paginated field (one with a `first` argument) is multiplied by its page size, and
 * that of any other list field by `unpagedListWeight`. Lists directly inside a connection
 * (`edges`, `nodes`) are already counted by the connection's page size.
 */
export function costLimitRule(options: { maxCost: number; countIntrospection: boolean }): ValidationRule {
  return (context: ValidationContext) => {
    const schema = context.getSchema();
    let visits = 0;

    const selectionCost = (
      set: SelectionSetNode,
      parent: GraphQLNamedType,
      seen: ReadonlySet<string>,
    ): number => {
      let cost = 0;
      for (const selection of set.selections) {
        if (++visits > 50_000) return Number.POSITIVE_INFINITY; // pathological document
        if (selection.kind === Kind.FIELD) {
          cost += fieldCost(selection, parent, seen);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          const type = selection.typeCondition
            ? (schema.getType(selection.typeCondition.name.value) ?? parent)
            : parent;
          cost += selectionCost(selection.selectionSet, type, seen);
        } else {
          const name = selection.name.value;
          const fragment = context.getFragment(name);
          if (!fragment || seen.has(name)) continue; // unknown or cyclic: other rules report it
          const type = schema.getType(fragment.typeCondition.name.value) ?? parent;
          cost += selectionCost(fragment.selectionSet, type, new Set([...seen, name]));
        }
      }
      return cost;
    };

    const fieldCost = (node: FieldNode, parent: GraphQLNamedType, seen: ReadonlySet<string>): number => {
      const name = node.name.value;
      if (!options.countIntrospection && (name === '__schema' || name === '__type')) return 0;
      let field: GraphQLField<unknown, unknown> | undefined;
      if (isObjectType(parent) || isInterfaceType(parent)) field = parent.getFields()[name];
      if (name === '__schema') field = SchemaMetaFieldDef;
      if (name === '__type') field = TypeMetaFieldDef;
      if (!node.selectionSet) return 1;
      if (!field) return 1 + selectionCost(node.selectionSet, parent, seen);
      const inner = 1 + selectionCost(node.selectionSet, getNamedType(field.type), seen);
      const paginated = field.args.some((a) => a.name === 'first' || a.name === 'last');
      if (paginated) return inner * pageWeight(node);
      const insideConnection = parent.name.endsWith('Connection');
      if (isListType(getNullableType(field.type)) && !insideConnection) {
        return inner * GRAPHQL_LIMITS.unpagedListWeight;
      }
      return inner;
    };

    return {
      OperationDefinition(operation) {
        const root =
          operation.operation === 'mutation'
            ? schema.getMutationType()
            : operation.operation === 'subscription'
              ? schema.getSubscriptionType()
              : schema.getQueryType();
        if (!root) return;
        const cost = selectionCost(operation.selectionSet, root, new Set());
        if (cost > options.maxCost) {
          refuse(context, `Operation cost limit of ${options.maxCost} exceeded`);
        }
      },
    };
  };
}

/**
 * NUL (which PostgreSQL cannot store in text) and unpaired UTF-16 surrogates (which are
 * not text at all) are refused in every string before anything runs.
 */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function stringProblem(value: string, max: number): string | undefined {
  if (value.length > max) return `String values are limited to ${max} characters`;
  if (UNSTORABLE.test(value)) return 'String values must not contain NUL characters or unpaired surrogates';
  return undefined;
}

/** Refuses string literals that are too long or hold characters no column can store. */
export function maxStringLiteralRule(max: number): ValidationRule {
  return (context) => ({
    StringValue(node) {
      const problem = stringProblem(node.value, max);
      if (problem) refuse(context, problem);
    },
  });
}

function firstStringProblem(value: unknown, max: number, depth = 0): string | undefined {
  if (typeof value === 'string') return stringProblem(value, max);
  if (depth > 20 || value === null || typeof value !== 'object') return undefined;
  for (const item of Array.isArray(value) ? value : Object.values(value)) {
    const problem = firstStringProblem(item, max, depth + 1);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * The same checks for variables, before execution: a ceiling for every string argument,
 * including plain `String` arguments that no class-validator DTO covers.
 */
export function maxVariableStringPlugin(max: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request }) {
          const problem = firstStringProblem(request.variables, max);
          if (problem) {
            throw new GraphQLError(problem, {
              extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
            });
          }
        },
      };
    },
  };
}

export interface ArmorSettings {
  plugins: ApolloServerPlugin[];
  validationRules: ValidationRule[];
  parseOptions: { maxTokens: number };
}

/**
 * graphql-armor for depth, aliases, directives and field suggestions, every
 * option explicit rather than library defaults; cost and string length are the rules above.
 * Introspection is counted except where it is deliberately served (development and
 * tests), whose standard introspection query is deeper than any application query.
 */
export function buildArmor(config: { graphql: { introspection: boolean } }): ArmorSettings {
  const countIntrospection = !config.graphql.introspection;
  // propagateOnRejection is left unset: graphql-armor then reports a refusal as a validation error.
  const common = { exposeLimits: true } as const;
  const armor = new ApolloArmor({
    blockFieldSuggestion: { enabled: true, mask: '[Suggestion hidden]' },
    maxDepth: {
      enabled: true,
      n: GRAPHQL_LIMITS.maxDepth,
      ignoreIntrospection: !countIntrospection,
      flattenFragments: true,
      ...common,
    },
    maxAliases: { enabled: true, n: GRAPHQL_LIMITS.maxAliases, allowList: [], ...common },
    maxDirectives: { enabled: true, n: GRAPHQL_LIMITS.maxDirectives, ...common },
    // Tokens are limited by graphql-js's own parser option (see `parseOptions`): graphql-armor's
    // token plugin throws from a hook that Apollo answers with a 500.
    maxTokens: { enabled: false },
    costLimit: { enabled: false },
  }).protect();
  return {
    parseOptions: { maxTokens: GRAPHQL_LIMITS.maxTokens },
    // graphql-armor is typed against the CommonJS build of @apollo/server; the shapes are the same.
    plugins: [
      ...(armor.plugins as unknown as ApolloServerPlugin[]),
      maxVariableStringPlugin(GRAPHQL_LIMITS.maxStringLength),
    ],
    validationRules: [
      ...armor.validationRules,
      costLimitRule({ maxCost: GRAPHQL_LIMITS.maxCost, countIntrospection }),
      maxStringLiteralRule(GRAPHQL_LIMITS.maxStringLength),
    ],
  };
}
