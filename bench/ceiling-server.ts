/**
 * The ceiling: scenarios 1 and 2 served by a bare node:http handler with hand-written SQL through
 * `pg`, no framework and no GraphQL. It does the same work the API must do for these requests:
 * verify the bearer token (HS256, expiry, revocation), load the caller, check access (the
 * family's lead professional; staff of the receiving agency), write the audit row for a family
 * read, and return the same data, built as JSON inside PostgreSQL in one statement per request.
 *
 * POST /family {"id": "..."}            → {"data":{"family":{...}}}
 * POST /inbox  {"agencyId": "...", "first": 50} → {"data":{"referrals":{...}}}
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import pg from 'pg';

const FAMILY_SQL = `
WITH actor AS (
  SELECT u.id FROM users u
   WHERE u.id = $2 AND u.active AND 'LEAD_PROFESSIONAL' = ANY(u.roles)
     AND NOT EXISTS (SELECT 1 FROM revoked_tokens t WHERE t.jti = $3)
), fam AS (
  SELECT f.* FROM families f JOIN actor a ON f.lead_professional_id = a.id WHERE f.id = $1
), audit AS (
  INSERT INTO audit_events (actor_id, action, entity_type, entity_id)
  SELECT $2, 'family.read', 'Family', fam.id::text FROM fam
)
SELECT json_build_object('data', json_build_object('family', (
  SELECT json_build_object(
    'id', f.id, 'reference', f.reference, 'name', f.name, 'createdAt', f.created_at,
    'area', (SELECT json_build_object('id', a.id, 'name', a.name) FROM areas a WHERE a.id = f.area_id),
    'members', (SELECT coalesce(json_agg(json_build_object('id', m.id, 'givenName', m.given_name,
                  'familyName', m.family_name, 'dateOfBirth', m.date_of_birth, 'role', m.role) ORDER BY m.seq), '[]')
                  FROM family_members m WHERE m.family_id = f.id),
    'leadProfessional', (SELECT json_build_object('id', u.id, 'name', u.name, 'email', u.email)
                  FROM users u WHERE u.id = f.lead_professional_id),
    'consents', (SELECT coalesce(json_agg(json_build_object('id', c.id, 'scope', c.scope, 'purpose', c.purpose,
                  'givenAt', c.given_at, 'expiresAt', c.expires_at, 'withdrawnAt', c.withdrawn_at,
                  'givenBy', (SELECT json_build_object('id', g.id, 'givenName', g.given_name, 'familyName', g.family_name)
                                FROM family_members g WHERE g.id = c.given_by_member_id),
                  'agencies', (SELECT coalesce(json_agg(json_build_object('id', ag.id, 'name', ag.name) ORDER BY ag.name), '[]')
                                FROM consent_agencies ca JOIN agencies ag ON ag.id = ca.agency_id WHERE ca.consent_id = c.id)
                  ) ORDER BY c.given_at, c.id), '[]')
                  FROM consents c WHERE c.family_id = f.id),
    'referrals', (SELECT coalesce(json_agg(json_build_object('id', r.id, 'reference', r.reference, 'status', r.status,
                  'urgency', r.urgency, 'reason', r.reason, 'createdAt', r.created_at, 'receivedAt', r.received_at,
                  'decidedAt', r.decided_at, 'startedAt', r.started_at, 'closedAt', r.closed_at,
                  'service', json_build_object('id', s.id, 'name', s.name),
                  'agency', json_build_object('id', ag.id, 'name', ag.name),
                  'events', (SELECT coalesce(json_agg(json_build_object('id', e.id, 'status', e.status, 'at', e.at,
                                'note', e.note, 'actor', json_build_object('id', eu.id, 'name', eu.name))
                                ORDER BY e.at, e.status, e.id), '[]')
                               FROM referral_events e JOIN users eu ON eu.id = e.actor_id WHERE e.referral_id = r.id)
                  ) ORDER BY r.created_at, r.id), '[]')
                  FROM referrals r JOIN services s ON s.id = r.service_id JOIN agencies ag ON ag.id = r.agency_id
                 WHERE r.family_id = f.id)
  ) FROM fam f)))::text AS body`;

const INBOX_SQL = `
WITH actor AS (
  SELECT u.agency_id FROM users u
   WHERE u.id = $2 AND u.active AND 'AGENCY_STAFF' = ANY(u.roles) AND u.agency_id = $1
     AND NOT EXISTS (SELECT 1 FROM revoked_tokens t WHERE t.jti = $4)
), page AS (
  -- The order of the inbox index, so that the page is an ordered index scan, as the API's is.
  SELECT r.* FROM referrals r
   WHERE r.agency_id = $1 AND r.status = 'SENT' AND EXISTS (SELECT 1 FROM actor)
   ORDER BY (CASE WHEN r.urgency = 'URGENT' THEN 0 ELSE 1 END), COALESCE(r.received_at, 'infinity'::timestamptz), r.id
   LIMIT $3 + 1
), shown AS (
  SELECT * FROM page ORDER BY (CASE WHEN urgency = 'URGENT' THEN 0 ELSE 1 END), received_at, id LIMIT $3
)
SELECT json_build_object('data', json_build_object('referrals', json_build_object(
  'totalCount', (SELECT count(*) FROM referrals r
                  WHERE r.agency_id = $1 AND r.status = 'SENT' AND EXISTS (SELECT 1 FROM actor)),
  'pageInfo', json_build_object('hasNextPage', (SELECT count(*) > $3 FROM page)),
  'nodes', (SELECT coalesce(json_agg(json_build_object('id', p.id, 'reference', p.reference, 'status', p.status,
              'urgency', p.urgency, 'reason', p.reason, 'receivedAt', p.received_at,
              'service', (SELECT json_build_object('id', s.id, 'name', s.name) FROM services s WHERE s.id = p.service_id),
              'family', (SELECT json_build_object('id', f.id, 'reference', f.reference, 'name', f.name)
                           FROM families f WHERE f.id = p.family_id),
              'children', (SELECT coalesce(json_agg(json_build_object('id', m.id, 'givenName', m.given_name,
                             'familyName', m.family_name, 'dateOfBirth', m.date_of_birth) ORDER BY m.created_at, m.id), '[]')
                             FROM referral_children rc JOIN family_members m ON m.id = rc.member_id
                            WHERE rc.referral_id = p.id)
            ) ORDER BY (CASE WHEN p.urgency = 'URGENT' THEN 0 ELSE 1 END), p.received_at, p.id), '[]') FROM shown p)
)))::text AS body`;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** HS256 verification and expiry: what @nestjs/jwt does for the API, without the library. */
export function verifyToken(token: string, secret: string): { sub: string; jti: string } | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const expected = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString()) as { alg?: string };
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as {
      sub?: string;
      jti?: string;
      exp?: number;
    };
    if (header.alg !== 'HS256' || typeof claims.sub !== 'string' || !UUID.test(claims.sub)) return null;
    if (typeof claims.exp !== 'number' || claims.exp * 1000 <= Date.now()) return null;
    return {
      sub: claims.sub,
      jti: claims.jti && UUID.test(claims.jti) ? claims.jti : '00000000-0000-4000-8000-000000000000',
    };
  } catch {
    return null;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 65_536) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const send = (res: ServerResponse, status: number, body: string) => {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

export function createCeilingHandler(pool: pg.Pool, jwtSecret: string): RequestListener {
  return (req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST') return send(res, 405, '{"error":"method"}');
        const header = req.headers.authorization ?? '';
        const claims = header.startsWith('Bearer ') ? verifyToken(header.slice(7), jwtSecret) : null;
        if (!claims) return send(res, 401, '{"error":"unauthenticated"}');
        const input = JSON.parse(await readBody(req)) as { id?: string; agencyId?: string; first?: number };
        if (req.url === '/family') {
          if (!input.id || !UUID.test(input.id)) return send(res, 200, '{"data":{"family":null}}');
          // Both statements are named (prepared), as the API sends its family read and an agency's
          // inbox page of one status.
          const { rows } = await pool.query<{ body: string }>({
            name: 'ceiling_family',
            text: FAMILY_SQL,
            values: [input.id, claims.sub, claims.jti],
          });
          return send(res, 200, rows[0].body);
        }
        if (req.url === '/inbox') {
          if (!input.agencyId || !UUID.test(input.agencyId)) return send(res, 400, '{"error":"agencyId"}');
          const first = Math.min(100, Math.max(1, input.first ?? 20));
          const { rows } = await pool.query<{ body: string }>({
            name: 'ceiling_inbox',
            text: INBOX_SQL,
            values: [input.agencyId, claims.sub, first, claims.jti],
          });
          return send(res, 200, rows[0].body);
        }
        send(res, 404, '{"error":"not found"}');
      } catch {
        send(res, 500, '{"error":"internal"}');
      }
    })();
  };
}

async function main(): Promise<void> {
  const secret = process.env.JWT_SECRET;
  if (!secret || !process.env.DATABASE_URL) throw new Error('DATABASE_URL and JWT_SECRET are required');
  const pool = new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: Number(process.env.POOL_SIZE ?? 10),
    application_name: 'bench-ceiling',
  });
  pool.on('error', () => undefined);
  const server = createServer(createCeilingHandler(pool, secret));
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT ?? 3102), '127.0.0.1', () => console.log('ceiling ready'));
  process.once('SIGTERM', () => server.close(() => void pool.end().then(() => process.exit(0))));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
