import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { PackageStatus } from '../../common/enums.js';
import { isId } from '../../common/ids.js';
import type { SupportPackageType } from './dto/package.types.js';

type Raw = Record<string, unknown>;

// review_date as text: a calendar date must not pass through a JS Date and a time zone.
const COLUMNS = `id, family_id, lead_professional_id, goals, status, review_date::text AS review_date,
  created_by_id, created_at, closed_at`;

const toPackage = (r: Raw): SupportPackageType => ({
  id: r.id as string,
  familyId: r.family_id as string,
  leadProfessionalId: r.lead_professional_id as string,
  goals: r.goals as string[],
  status: r.status as PackageStatus,
  reviewDate: (r.review_date as string | null) ?? null,
  createdAt: r.created_at as Date,
  closedAt: (r.closed_at as Date | null) ?? null,
});

@Injectable()
export class PackagesRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async findById(id: string, m?: EntityManager): Promise<SupportPackageType | null> {
    if (!isId(id)) return null;
    const rows: Raw[] = await (m ?? this.db.manager).query(
      `SELECT ${COLUMNS} FROM support_packages WHERE id = $1`,
      [id],
    );
    return rows.length ? toPackage(rows[0]) : null;
  }

  async insert(
    m: EntityManager,
    fields: {
      id: string;
      familyId: string;
      leadProfessionalId: string;
      goals: string[];
      reviewDate: string | null;
      createdById: string;
      createdAt: Date;
    },
  ): Promise<SupportPackageType> {
    const rows: Raw[] = await m.query(
      `INSERT INTO support_packages (id, family_id, lead_professional_id, goals, review_date, created_by_id, created_at)
       VALUES ($1, $2, $3, $4::text[], $5::date, $6, $7) RETURNING ${COLUMNS}`,
      [
        fields.id,
        fields.familyId,
        fields.leadProfessionalId,
        fields.goals,
        fields.reviewDate,
        fields.createdById,
        fields.createdAt,
      ],
    );
    return toPackage(rows[0]);
  }

  /** Closes an active package: one conditional UPDATE; null when it was already closed. */
  async close(m: EntityManager, id: string, at: Date): Promise<SupportPackageType | null> {
    const [rows, affected]: [Raw[], number] = await m.query(
      `UPDATE support_packages SET status = 'CLOSED', closed_at = $2
        WHERE id = $1 AND status = 'ACTIVE' RETURNING ${COLUMNS}`,
      [id, at],
    );
    return affected === 1 ? toPackage(rows[0]) : null;
  }

  async byFamilyIds(familyIds: readonly string[]): Promise<SupportPackageType[]> {
    const valid = familyIds.filter(isId);
    if (!valid.length) return [];
    const rows: Raw[] = await this.db.query(
      `SELECT ${COLUMNS} FROM support_packages WHERE family_id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [valid],
    );
    return rows.map(toPackage);
  }
}
