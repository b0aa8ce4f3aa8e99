import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { AgencyKind, Role } from '../../common/enums.js';
import { hashPassword } from '../auth/passwords.js';

export const DEMO_PASSWORD = 'demo-password-2025';
export const DEMO_EMAIL_DOMAIN = 'demo.family-support.example';

export interface DemoLogin {
  email: string;
  roles: Role[];
  note: string;
}

/** On for the embedded database outside production unless DEMO_DATA says otherwise. */
export function demoDataEnabled(config: AppConfig): boolean {
  return config.demoData ?? (config.embeddedDatabase && !config.production);
}

export const DEMO_LOGINS: DemoLogin[] = [
  { email: `admin@${DEMO_EMAIL_DOMAIN}`, roles: [Role.ADMIN], note: 'partnership administrator' },
  {
    email: `lead@${DEMO_EMAIL_DOMAIN}`,
    roles: [Role.LEAD_PROFESSIONAL],
    note: 'lead professional (family support worker)',
  },
  {
    email: `lead2@${DEMO_EMAIL_DOMAIN}`,
    roles: [Role.LEAD_PROFESSIONAL],
    note: 'second lead professional, for handovers',
  },
  {
    email: `slt@${DEMO_EMAIL_DOMAIN}`,
    roles: [Role.AGENCY_STAFF],
    note: 'NHS trust: speech and language therapy, health visiting',
  },
  { email: `school@${DEMO_EMAIL_DOMAIN}`, roles: [Role.AGENCY_STAFF], note: 'primary school: nurture group' },
  {
    email: `outreach@${DEMO_EMAIL_DOMAIN}`,
    roles: [Role.AGENCY_STAFF],
    note: 'family centre: outreach support',
  },
  { email: `board@${DEMO_EMAIL_DOMAIN}`, roles: [Role.BOARD_MEMBER], note: 'partnership board member' },
];

/** Loads a small demo partnership once (skipped when its administrator already exists). */
@Injectable()
export class DemoDataService implements OnApplicationBootstrap {
  private readonly logger = new Logger('DemoData');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const existing: unknown[] = await this.db.query('SELECT 1 FROM users WHERE email = $1', [
      DEMO_LOGINS[0].email,
    ]);
    if (existing.length) return;
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    await this.db.transaction((m) => this.load(m, passwordHash));
    this.logger.log('loaded the demo partnership');
  }

  private async load(m: EntityManager, passwordHash: string): Promise<void> {
    const one = async (sql: string, params: unknown[]) =>
      ((await m.query(sql, params)) as { id: string }[])[0].id;
    const area = (code: string, name: string, pop: number) =>
      one('INSERT INTO areas (code, name, child_population) VALUES ($1, $2, $3) RETURNING id', [
        code,
        name,
        pop,
      ]);
    const agency = (name: string, kind: AgencyKind) =>
      one('INSERT INTO agencies (name, kind) VALUES ($1, $2) RETURNING id', [name, kind]);
    const service = (
      agencyId: string,
      name: string,
      category: string,
      min: number | null,
      max: number | null,
      target: number,
    ) =>
      one(
        `INSERT INTO services (agency_id, name, category, min_age_years, max_age_years, waiting_time_target_days)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
        [agencyId, name, category, min, max, target],
      );

    const chichester = await area('W-CHI', 'Chichester', 21400);
    await area('W-ARU', 'Arun', 29800);
    await area('W-HOR', 'Horsham', 27100);
    const nhs = await agency('Sussex Community NHS Trust', AgencyKind.HEALTH);
    const school = await agency("St Richard's Primary School", AgencyKind.EDUCATION);
    const centre = await agency('Chichester Family Centre', AgencyKind.EARLY_YEARS);
    const socialCare = await agency("West Sussex Children's Social Care", AgencyKind.SOCIAL_CARE);
    await agency('Sussex Police', AgencyKind.POLICE);
    await agency('Chichester District Council Housing', AgencyKind.HOUSING);
    await agency("Women's Aid West Sussex", AgencyKind.VOLUNTARY);

    const slt = await service(nhs, 'Speech and language therapy', 'speech-and-language', 2, 11, 126);
    const healthVisiting = await service(nhs, 'Health visiting', 'health-visiting', 0, 5, 14);
    const nurture = await service(school, 'Nurture group', 'education-support', 4, 11, 28);
    await m.query('INSERT INTO service_areas (service_id, area_id) VALUES ($1, $2)', [nurture, chichester]);
    const outreach = await service(centre, 'Family outreach support', 'family-support', null, null, 21);
    await service(socialCare, 'Early help assessment', 'early-help', 0, 17, 35);

    const agencyOf: Record<string, string | null> = { slt: nhs, school, outreach: centre };
    const names: Record<string, string> = {
      admin: 'Alex Admin',
      lead: 'Leah Lead',
      lead2: 'Liam Lead',
      slt: 'Sam Therapist',
      school: 'Sophie Teacher',
      outreach: 'Owen Outreach',
      board: 'Bea Board',
    };
    for (const login of DEMO_LOGINS) {
      const key = login.email.split('@')[0];
      await m.query(
        'INSERT INTO users (email, name, password_hash, roles, agency_id) VALUES ($1, $2, $3, $4::user_role[], $5)',
        [login.email, names[key], passwordHash, login.roles, agencyOf[key] ?? null],
      );
    }
    await loadDemoFamily(m, {
      chichester,
      services: { slt, healthVisiting, nurture, outreach },
      agencies: { nhs, school, centre },
    });
  }
}

/**
 * The Chichester example of the README, already under way: the Brown family's support package
 * of four referrals to three agencies, sent three weeks ago; speech and language therapy has
 * started, the nurture group declined, the other two are waiting. Dates of birth are relative to
 * today so that the children keep the ages of the example (James 4, April 1, Lilly 8).
 */
async function loadDemoFamily(
  m: EntityManager,
  ids: {
    chichester: string;
    services: { slt: string; healthVisiting: string; nurture: string; outreach: string };
    agencies: { nhs: string; school: string; centre: string };
  },
): Promise<void> {
  const userId = async (key: string) =>
    (
      (await m.query('SELECT id FROM users WHERE email = $1', [`${key}@${DEMO_EMAIL_DOMAIN}`])) as {
        id: string;
      }[]
    )[0].id;
  const [lead, sltStaff, schoolStaff] = [await userId('lead'), await userId('slt'), await userId('school')];
  const now = Date.now();
  const daysAgo = (days: number) => new Date(now - days * 86_400_000);
  const born = (years: number, days: number) => {
    const d = new Date(now);
    d.setUTCFullYear(d.getUTCFullYear() - years);
    d.setUTCDate(d.getUTCDate() - days);
    return d.toISOString().slice(0, 10);
  };
  const [{ id: familyId }]: { id: string }[] = await m.query(
    `INSERT INTO families (reference, name, area_id, lead_professional_id, created_by_id, created_at)
     VALUES (next_reference('FAM', 'family_reference_seq'), 'Brown family', $1, $2, $2, $3)
     RETURNING id`,
    [ids.chichester, lead, daysAgo(40)],
  );
  await m.query(
    'INSERT INTO lead_professional_assignments (family_id, user_id, started_at, assigned_by_id) VALUES ($1, $2, $3, $2)',
    [familyId, lead, daysAgo(40)],
  );
  const member = async (givenName: string, dateOfBirth: string, role: string) =>
    (
      (await m.query(
        `INSERT INTO family_members (family_id, given_name, family_name, date_of_birth, role)
       VALUES ($1, $2, 'Brown', $3, $4) RETURNING id`,
        [familyId, givenName, dateOfBirth, role],
      )) as { id: string }[]
    )[0].id;
  const sarah = await member('Sarah', born(31, 100), 'PARENT_CARER');
  const james = await member('James', born(4, 60), 'CHILD');
  const april = await member('April', born(1, 30), 'CHILD');
  const lilly = await member('Lilly', born(8, 200), 'CHILD');
  await m.query(
    `INSERT INTO consents (family_id, given_by_member_id, scope, purpose, given_at, recorded_by_id)
     VALUES ($1, $2, 'ALL_PARTNERS', 'Team around the family: referrals to partner agencies', $3, $4)`,
    [familyId, sarah, daysAgo(35), lead],
  );
  const sentAt = daysAgo(21);
  const [{ id: packageId }]: { id: string }[] = await m.query(
    `INSERT INTO support_packages (family_id, lead_professional_id, goals, review_date, created_by_id, created_at)
     VALUES ($1, $2, $3::text[], $4::date, $2, $5) RETURNING id`,
    [
      familyId,
      lead,
      ['James is understood at nursery', 'Lilly settles back into school', 'Calmer evenings at home'],
      new Date(now + 70 * 86_400_000).toISOString().slice(0, 10),
      sentAt,
    ],
  );
  type Step = { status: string; at: Date; actor: string; note?: string };
  const referral = async (
    serviceId: string,
    agencyId: string,
    children: string[],
    reason: string,
    urgency: string,
    later: Step[],
  ) => {
    const last = later[later.length - 1];
    const stamp = (status: string) => later.find((s) => s.status === status)?.at ?? null;
    const [{ id }]: { id: string }[] = await m.query(
      `INSERT INTO referrals (reference, family_id, service_id, agency_id, referred_by_id, package_id, reason, urgency,
                              status, version, created_at, received_at, decided_at, decline_reason, started_at)
       VALUES (next_reference('REF', 'referral_reference_seq'), $1, $2, $3, $4, $5, $6, $7,
               $8, $9, $10, $10, $11, $12, $13)
       RETURNING id`,
      [
        familyId,
        serviceId,
        agencyId,
        lead,
        packageId,
        reason,
        urgency,
        last?.status ?? 'SENT',
        2 + later.length,
        sentAt,
        stamp('ACCEPTED') ?? stamp('DECLINED'),
        later.find((s) => s.status === 'DECLINED')?.note ?? null,
        stamp('STARTED'),
      ],
    );
    await m.query('INSERT INTO referral_children (referral_id, member_id) SELECT $1, unnest($2::uuid[])', [
      id,
      children,
    ]);
    const events: Step[] = [
      { status: 'DRAFT', at: sentAt, actor: lead },
      { status: 'SENT', at: sentAt, actor: lead },
      ...later,
    ];
    for (const e of events) {
      await m.query(
        'INSERT INTO referral_events (referral_id, status, at, actor_id, note) VALUES ($1, $2, $3, $4, $5)',
        [id, e.status, e.at, e.actor, e.note ?? null],
      );
    }
  };
  await referral(ids.services.slt, ids.agencies.nhs, [james], 'Speech delay at 4', 'URGENT', [
    { status: 'ACCEPTED', at: daysAgo(18), actor: sltStaff },
    { status: 'STARTED', at: daysAgo(4), actor: sltStaff },
  ]);
  await referral(
    ids.services.healthVisiting,
    ids.agencies.nhs,
    [april],
    'Feeding and sleep support',
    'ROUTINE',
    [],
  );
  await referral(
    ids.services.nurture,
    ids.agencies.school,
    [lilly],
    'Struggling at school since the move',
    'ROUTINE',
    [
      {
        status: 'DECLINED',
        at: daysAgo(15),
        actor: schoolStaff,
        note: 'Group full this term; re-refer in January',
      },
    ],
  );
  await referral(
    ids.services.outreach,
    ids.agencies.centre,
    [james, april, lilly],
    'Routines and parenting support at home',
    'ROUTINE',
    [],
  );
}
