import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../../common/actor.js';
import { isAdmin, requireAnyRole } from '../../common/actor.js';
import { Role } from '../../common/enums.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { MetricsFilter } from './dto/metrics.inputs.js';
import { MetricsRepository } from './metrics.repository.js';
import {
  buildReferralMetrics,
  buildWaitStats,
  type Disclosure,
  type ReferralMetricsView,
  validatePeriod,
  type WaitStatsView,
} from './metrics.rules.js';

/** Roles that may read board metrics at all; everyone else is FORBIDDEN. */
export const METRICS_ROLES = [Role.BOARD_MEMBER, Role.ADMIN];

/**
 * The partnership board's figures. Board members see them with small numbers suppressed;
 * admins (who can see the records anyway) get raw figures for checking and for their own
 * disclosure decisions.
 */
@Injectable()
export class MetricsService {
  constructor(
    private readonly repo: MetricsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private disclosureFor(actor: Actor): Disclosure {
    return { suppress: !isAdmin(actor), max: this.config.suppressionMax };
  }

  async referralMetrics(actor: Actor, filter: MetricsFilter): Promise<ReferralMetricsView> {
    requireAnyRole(actor, ...METRICS_ROLES);
    const period = validatePeriod(filter.from, filter.to);
    const agg = await this.repo.referralAggregates({ ...filter, ...period }, this.config.reportingTimeZone);
    return buildReferralMetrics(period, agg, this.disclosureFor(actor));
  }

  async waitingTimeMetrics(
    actor: Actor,
    filter: MetricsFilter,
  ): Promise<{ from: string; to: string; completed: WaitStatsView; waiting: WaitStatsView }> {
    requireAnyRole(actor, ...METRICS_ROLES);
    const period = validatePeriod(filter.from, filter.to);
    const agg = await this.repo.waitAggregates({ ...filter, ...period }, this.config.reportingTimeZone);
    const disclosure = this.disclosureFor(actor);
    return {
      ...period,
      completed: buildWaitStats(agg.completed, disclosure),
      waiting: buildWaitStats(agg.waiting, disclosure),
    };
  }
}
