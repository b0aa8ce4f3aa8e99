import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { GraphQLModule } from '@nestjs/graphql';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';
import { resolve } from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { buildArmor } from './armor.js';
import { buildContext, type GraphQLContext, requestIdOf } from './context.js';
import { ErrorCode } from '../common/errors.js';
import { formatGraphQLError, GraphQLErrorPassthroughFilter, innermostError } from './error-formatter.js';
import { answerResolvedFieldsFirst } from './resolved-fields.js';

const logger = new Logger('GraphQL');

/** Adds the request id to every error and logs the unexpected ones (detail stays server-side). */
const requestIdPlugin: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didEncounterErrors({ contextValue, errors }) {
        for (const error of errors) {
          // Only what the formatter masks or reports as an outage is a failure of ours; a client's
          // bad document, variables or input is not logged as one.
          const code = formatGraphQLError(error.toJSON(), error, { hideInputValues: true }).extensions?.code;
          if (code !== ErrorCode.INTERNAL_SERVER_ERROR && code !== ErrorCode.SERVICE_UNAVAILABLE) continue;
          const original = innermostError(error) as Error & { code?: string };
          // Name, SQLSTATE and stack only: messages and parameters can carry personal data.
          const entry = {
            msg: 'request failed',
            requestId: requestIdOf(contextValue?.req),
            code,
            error: original?.name,
            sqlState: typeof original?.code === 'string' ? original.code : undefined,
            stack: original?.stack?.split('\n').slice(1, 8).join('\n'),
          };
          if (code === ErrorCode.SERVICE_UNAVAILABLE) logger.warn(entry);
          else logger.error(entry);
        }
      },
      async willSendResponse({ contextValue, response }) {
        if (response.body.kind !== 'single' || !response.body.singleResult.errors) return;
        const requestId = requestIdOf(contextValue?.req);
        response.body.singleResult.errors = response.body.singleResult.errors.map((e) => ({
          ...e,
          extensions: { ...e.extensions, requestId },
        }));
      },
    };
  },
};

@Module({})
export class AppGraphQLModule {
  static forRoot(config: AppConfig, extraPlugins: ApolloServerPlugin[] = []): DynamicModule {
    const armor = buildArmor(config);
    return {
      module: AppGraphQLModule,
      providers: [{ provide: APP_FILTER, useClass: GraphQLErrorPassthroughFilter }],
      imports: [
        GraphQLModule.forRoot<ApolloDriverConfig>({
          driver: ApolloDriver,
          path: '/graphql',
          autoSchemaFile: config.schemaFile === true ? true : resolve(config.schemaFile),
          sortSchema: true,
          // The served schema only (schema.gql is emitted before it): fields a service already resolved.
          transformSchema: answerResolvedFieldsFirst,
          context: buildContext,
          graphiql: config.graphql.sandbox,
          introspection: config.graphql.introspection,
          includeStacktraceInErrorResponses: false,
          hideSchemaDetailsFromClientErrors: config.production || !config.graphql.introspection,
          csrfPrevention: true,
          allowBatchedHttpRequests: false,
          persistedQueries: false,
          autoTransformHttpErrors: false,
          formatError: (formatted, error) =>
            formatGraphQLError(formatted, error, { hideInputValues: config.production }),
          validationRules: armor.validationRules,
          parseOptions: armor.parseOptions,
          plugins: [
            requestIdPlugin,
            ...armor.plugins,
            // Nothing here uses cache hints, Apollo's usage reporting or traces; the cache-control
            // plugin alone wraps every field resolver.
            ApolloServerPluginCacheControlDisabled(),
            ApolloServerPluginUsageReportingDisabled(),
            ApolloServerPluginInlineTraceDisabled(),
            ...extraPlugins,
          ],
        }),
      ],
    };
  }
}
