/**
 * Referrals whose stored previous_received_at differs from its definition: the latest receipt
 * of another referral of the same family to the same agency strictly before this receipt (null
 * when none, or when this referral is not received). Written independently of the triggers and
 * of the migration's window-function backfill, as a correlated subquery.
 */
export const PREVIOUS_RECEIPT_MISMATCHES = `SELECT count(*)::int AS n FROM referrals r
  WHERE r.previous_received_at IS DISTINCT FROM (
    SELECT max(p.received_at) FROM referrals p
     WHERE p.family_id = r.family_id AND p.agency_id = r.agency_id AND p.received_at < r.received_at)`;
