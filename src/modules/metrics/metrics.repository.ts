import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { EIGHTEEN_WEEKS_DAYS, type ReferralAggregates, type WaitAggregates } from './metrics.rules.js';

export interface MetricsScope {
  from: string;
  to: string;
  areaId?: string | null;
  agencyId?: string | null;
  serviceId?: string | null;
}

/**
 * The SQL behind the board metrics. Every figure is an aggregate computed by PostgreSQL in
 * one statement per query; no referral row is loaded into the application.
 *
 * Parameters $1 = from, $2 = to (dates), $3 = reporting time zone. Calendar days are local
 * dates in that zone (see waitAggregates). The period is turned into timestamptz bounds
 * [LO, HI) in SQL (local midnight of `from`, local midnight after `to`), and columns are
 * compared with those bounds as plain ranges, so the indexes on received_at, decided_at
 * and started_at apply.
 */
const LO = `(($1::date)::timestamp AT TIME ZONE $3::text)`;
const HI = `(($2::date + 1)::timestamp AT TIME ZONE $3::text)`;

/**
 * When the wait ended: the start of the service, else the decline, else the withdrawal; null
 * while open. A referral is waiting at the end of `to` when this is null or not before HI, which
 * is "not started, not declined and not withdrawn by then": the state machine never starts a
 * declined or withdrawn referral, nor withdraws a started one. Written as one expression so that
 * an expression index on it (with received_at) can serve the open-waits scan.
 */
const WAIT_END = `coalesce(r.started_at, CASE r.status WHEN 'DECLINED' THEN r.decided_at WHEN 'WITHDRAWN' THEN r.closed_at END)`;

/** The scope filters; the family's area needs the join with families. */
function scope(s: MetricsScope, params: unknown[]): { join: string; where: string } {
  const where: string[] = [];
  let join = '';
  if (s.agencyId) {
    params.push(s.agencyId);
    where.push(`r.agency_id = $${params.length}::uuid`);
  }
  if (s.serviceId) {
    params.push(s.serviceId);
    where.push(`r.service_id = $${params.length}::uuid`);
  }
  if (s.areaId) {
    params.push(s.areaId);
    join = 'JOIN families f ON f.id = r.family_id';
    where.push(`f.area_id = $${params.length}::uuid`);
  }
  return { join, where: where.map((w) => ` AND ${w}`).join('') };
}

interface ReferralRow {
  months: { month: string; received: number }[];
  re_referrals: number;
  accepted: number;
  declined: number;
  population: number | null;
}

interface WaitRow {
  kind: 'completed' | 'waiting';
  count: number;
  /** Median and 92nd percentile; null when there are no rows. */
  percentiles: [number, number] | null;
  within_target: number;
  over_18_weeks: number;
}

@Injectable()
export class MetricsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Received referrals per local month, re-referrals, decisions by outcome, and the child
   * population, in one statement. A re-referral has an earlier referral of the same family to
   * the same agency whose receipt is at or after this receipt minus 12 calendar months
   * (wall-clock time in the reporting zone; PostgreSQL clamps 29 Feb to 28 Feb). The latest such
   * earlier receipt, from the whole table whatever the period, service or area filters, is kept on
   * each referral as previous_received_at by database triggers (PreviousReceipts migration), so
   * re-referrals are counted in the same pass over the period's receipts as the months.
   */
  async referralAggregates(s: MetricsScope, timeZone: string): Promise<ReferralAggregates> {
    const params: unknown[] = [s.from, s.to, timeZone];
    const { join, where } = scope(s, params);
    let population = '(SELECT sum(a.child_population) FROM areas a)';
    if (s.areaId) {
      params.push(s.areaId);
      population = `(SELECT a.child_population FROM areas a WHERE a.id = $${params.length}::uuid)`;
    }
    // byMonth: the month of each receipt is found by binary search among the local month starts
    // as timestamptz (width_bucket), which is much cheaper than converting every row's time zone.
    const monthStarts = `(SELECT coalesce(array_agg(m AT TIME ZONE $3::text ORDER BY m), '{}')
        FROM generate_series(date_trunc('month', $1::date::timestamp) + interval '1 month', $2::date::timestamp,
                             interval '1 month') AS m)`;
    // 12 calendar months are never more than 367 days (8,808 hours): that test needs no time zone,
    // so the wall-clock arithmetic runs only for the few receipts with a recent earlier one. CASE
    // fixes the order of evaluation.
    const reReferral = `CASE
        WHEN r.previous_received_at IS NULL OR r.previous_received_at <= r.received_at - interval '8808 hours' THEN false
        ELSE r.previous_received_at >= ((r.received_at AT TIME ZONE $3::text) - interval '12 months') AT TIME ZONE $3::text
      END`;
    const sql = `
      WITH months AS (
        SELECT to_char(date_trunc('month', $1::date::timestamp) + b * interval '1 month', 'YYYY-MM') AS month,
               received, re_referrals
        FROM (
          SELECT width_bucket(r.received_at, ${monthStarts}) AS b, count(*)::int AS received,
                 (count(*) FILTER (WHERE ${reReferral}))::int AS re_referrals
          FROM referrals r ${join}
          WHERE r.received_at >= ${LO} AND r.received_at < ${HI}${where}
          GROUP BY 1
        ) per_bucket
      ),
      decided AS (
        SELECT (count(*) FILTER (WHERE r.status = 'DECLINED'))::int AS declined,
               (count(*) FILTER (WHERE r.status <> 'DECLINED'))::int AS accepted
        FROM referrals r ${join}
        WHERE r.decided_at >= ${LO} AND r.decided_at < ${HI}${where}
      )
      SELECT coalesce(
               (SELECT json_agg(json_build_object('month', month, 'received', received) ORDER BY month) FROM months),
               '[]'::json) AS months,
             (SELECT coalesce(sum(re_referrals), 0)::int FROM months) AS re_referrals,
             d.accepted, d.declined,
             ${population}::float8 AS population
      FROM decided d`;
    const [row] = (await this.db.query(sql, params)) as ReferralRow[];
    return {
      months: row.months,
      reReferrals: row.re_referrals,
      accepted: row.accepted,
      declined: row.declined,
      population: row.population !== null && row.population > 0 ? row.population : null,
    };
  }

  /**
   * Completed waits (service started in the period) and open waits (at the end of `to`), in
   * one statement. Wait days are the local date of the end minus the local date of receipt;
   * percentiles are PostgreSQL's percentile_cont (linear interpolation).
   * Local dates are `timestamptz::date` with the session time zone set to the reporting zone for
   * this statement's transaction only: `AT TIME ZONE $3` looks the zone up by name for every row,
   * and over a year of all areas (~240,000 completed waits, two dates each) that was about 130 ms
   * of the statement; the cast takes about 20 ms.
   * `OFFSET 0` keeps each CTE a subquery the planner does not inline: inlined, the days expression
   * would be computed again for each of the four aggregates that read it.
   * Open at the end of `to`: received by then, and by then not started, not declined and not
   * withdrawn (a later start, decision or withdrawal does not count yet).
   */
  async waitAggregates(
    s: MetricsScope,
    timeZone: string,
  ): Promise<{ completed: WaitAggregates; waiting: WaitAggregates }> {
    const params: unknown[] = [s.from, s.to, timeZone];
    const { join, where } = scope(s, params);
    const stats = (source: string) => `
      SELECT '${source}' AS kind,
             count(*)::int AS count,
             -- Both percentiles from one sort.
             percentile_cont(ARRAY[0.5, 0.92]) WITHIN GROUP (ORDER BY days) AS percentiles,
             (count(*) FILTER (WHERE days <= target))::int AS within_target,
             (count(*) FILTER (WHERE days > ${EIGHTEEN_WEEKS_DAYS}))::int AS over_18_weeks
      FROM ${source}`;
    const sql = `
      WITH completed AS (
        SELECT r.started_at::date - r.received_at::date AS days,
               s.waiting_time_target_days AS target
        FROM referrals r JOIN services s ON s.id = r.service_id ${join}
        WHERE r.started_at >= ${LO} AND r.started_at < ${HI}
          AND r.received_at IS NOT NULL${where}
        OFFSET 0
      ),
      waiting AS (
        SELECT $2::date - r.received_at::date AS days,
               s.waiting_time_target_days AS target
        FROM referrals r JOIN services s ON s.id = r.service_id ${join}
        WHERE r.received_at < ${HI}
          AND (${WAIT_END} IS NULL OR ${WAIT_END} >= ${HI})${where}
        OFFSET 0
      )
      ${stats('completed')}
      UNION ALL
      ${stats('waiting')}`;
    const rows = await this.db.transaction(async (m) => {
      await m.query(`SELECT set_config('TimeZone', $1, true)`, [timeZone]);
      return (await m.query(sql, params)) as WaitRow[];
    });
    const pick = (kind: WaitRow['kind']): WaitAggregates => {
      const r = rows.find((x) => x.kind === kind)!;
      return {
        count: r.count,
        medianDays: r.percentiles?.[0] ?? null,
        p92Days: r.percentiles?.[1] ?? null,
        withinTarget: r.within_target,
        over18Weeks: r.over_18_weeks,
      };
    };
    return { completed: pick('completed'), waiting: pick('waiting') };
  }
}
