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

    await service(nhs, 'Speech and language therapy', 'speech-and-language', 2, 11, 126);
    await service(nhs, 'Health visiting', 'health-visiting', 0, 5, 14);
    const nurture = await service(school, 'Nurture group', 'education-support', 4, 11, 28);
    await m.query('INSERT INTO service_areas (service_id, area_id) VALUES ($1, $2)', [nurture, chichester]);
    await service(centre, 'Family outreach support', 'family-support', null, null, 21);
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
  }
}
