import { Field, Float, ObjectType } from '@nestjs/graphql';
import { DateScalar } from '../../../graphql/scalars.js';

@ObjectType('Metric', { description: 'A figure; value is null when it has no base or is suppressed.' })
export class MetricType {
  @Field(() => Float, { nullable: true }) value: number | null;
  @Field(() => Boolean) suppressed: boolean;
}

@ObjectType('MonthlyReferralMetrics')
export class MonthlyReferralMetricsType {
  @Field(() => String, { description: 'YYYY-MM' }) month: string;
  @Field(() => MetricType) received: MetricType;
  @Field(() => MetricType) ratePer10kChildren: MetricType;
}

@ObjectType('ReferralMetrics')
export class ReferralMetricsType {
  @Field(() => DateScalar) from: string;
  @Field(() => DateScalar) to: string;
  @Field(() => MetricType) received: MetricType;
  @Field(() => MetricType) ratePer10kChildren: MetricType;
  @Field(() => MetricType) reReferralPercent: MetricType;
  @Field(() => MetricType) accepted: MetricType;
  @Field(() => MetricType) declined: MetricType;
  @Field(() => MetricType) acceptancePercent: MetricType;
  @Field(() => [MonthlyReferralMetricsType]) byMonth: MonthlyReferralMetricsType[];
}

@ObjectType('WaitStats')
export class WaitStatsType {
  @Field(() => MetricType) count: MetricType;
  @Field(() => MetricType) medianDays: MetricType;
  @Field(() => MetricType) p92Days: MetricType;
  @Field(() => MetricType) withinTargetPercent: MetricType;
  @Field(() => MetricType) over18Weeks: MetricType;
}

@ObjectType('WaitingTimeMetrics')
export class WaitingTimeMetricsType {
  @Field(() => DateScalar) from: string;
  @Field(() => DateScalar) to: string;
  @Field(() => WaitStatsType, { description: 'Waits that ended (service started) on a day in [from, to].' })
  completed: WaitStatsType;
  @Field(() => WaitStatsType, { description: 'Waits still open at the end of `to`.' })
  waiting: WaitStatsType;
}
