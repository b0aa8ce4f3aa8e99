import { Args, Query, Resolver } from '@nestjs/graphql';
import type { Actor } from '../../common/actor.js';
import { CurrentActor } from '../../graphql/context.js';
import { MetricsFilter } from './dto/metrics.inputs.js';
import { ReferralMetricsType, WaitingTimeMetricsType } from './dto/metrics.types.js';
import { MetricsService } from './metrics.service.js';

/** Thin: every figure is computed whole by the service, so there are no field resolvers to guard. */
@Resolver()
export class MetricsResolver {
  constructor(private readonly metrics: MetricsService) {}

  @Query(() => ReferralMetricsType)
  referralMetrics(@CurrentActor() actor: Actor, @Args('filter') filter: MetricsFilter) {
    return this.metrics.referralMetrics(actor, filter);
  }

  @Query(() => WaitingTimeMetricsType)
  waitingTimeMetrics(@CurrentActor() actor: Actor, @Args('filter') filter: MetricsFilter) {
    return this.metrics.waitingTimeMetrics(actor, filter);
  }
}
