import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isId } from '../../common/ids.js';
import { columnList, rowsWhereIn } from '../../database/plain-rows.js';
import { AgencyEntity } from './agency.entity.js';
import { AreaEntity } from './area.entity.js';
import { ServiceEntity } from './service.entity.js';
import type { ServiceFilter } from './dto/directory.inputs.js';

export interface DirectoryRows {
  areas: AreaEntity[];
  agencies: AgencyEntity[];
  services: ServiceEntity[];
}

@Injectable()
export class DirectoryRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  listAreas(): Promise<AreaEntity[]> {
    return this.db.getRepository(AreaEntity).find({ order: { name: 'ASC', id: 'ASC' } });
  }

  listAgencies(): Promise<AgencyEntity[]> {
    return this.db.getRepository(AgencyEntity).find({ order: { name: 'ASC', id: 'ASC' } });
  }

  /** Every area, agency and service, read with `run` (the directory cache's own connection). */
  async readDirectory(run: <T>(sql: string) => Promise<T[]>): Promise<DirectoryRows> {
    const all = (entity: typeof AreaEntity | typeof AgencyEntity | typeof ServiceEntity) =>
      `SELECT ${columnList(this.db, entity)} FROM "${this.db.getMetadata(entity).tableName}" t`;
    return {
      areas: await run<AreaEntity>(all(AreaEntity)),
      agencies: await run<AgencyEntity>(all(AgencyEntity)),
      services: await run<ServiceEntity>(all(ServiceEntity)),
    };
  }

  async areasByIds(ids: readonly string[]): Promise<AreaEntity[]> {
    return rowsWhereIn(this.db, AreaEntity, 'id', ids.filter(isId));
  }

  async agenciesByIds(ids: readonly string[]): Promise<AgencyEntity[]> {
    return rowsWhereIn(this.db, AgencyEntity, 'id', ids.filter(isId));
  }

  async servicesByIds(ids: readonly string[]): Promise<ServiceEntity[]> {
    return rowsWhereIn(this.db, ServiceEntity, 'id', ids.filter(isId));
  }

  async servicesByAgencyIds(agencyIds: readonly string[]): Promise<ServiceEntity[]> {
    return rowsWhereIn(this.db, ServiceEntity, 'agency_id', agencyIds, 't.name, t.id');
  }

  /** Area ids per service; a service with none is offered everywhere. */
  async areaIdsByServiceIds(serviceIds: readonly string[]): Promise<{ serviceId: string; areaId: string }[]> {
    if (!serviceIds.length) return [];
    const rows: { service_id: string; area_id: string }[] = await this.db.query(
      'SELECT service_id, area_id FROM service_areas WHERE service_id = ANY($1::uuid[])',
      [serviceIds],
    );
    return rows.map((r) => ({ serviceId: r.service_id, areaId: r.area_id }));
  }

  findServices(filter: ServiceFilter): Promise<ServiceEntity[]> {
    const qb = this.db.getRepository(ServiceEntity).createQueryBuilder('s');
    if (filter.agencyId) qb.andWhere('s.agency_id = :agencyId', { agencyId: filter.agencyId });
    if (filter.category) qb.andWhere('lower(s.category) = lower(:category)', { category: filter.category });
    if (filter.acceptingReferrals !== undefined && filter.acceptingReferrals !== null) {
      qb.andWhere('s.accepting_referrals = :accepting', { accepting: filter.acceptingReferrals });
    }
    if (filter.ageYears !== undefined && filter.ageYears !== null) {
      qb.andWhere('(s.min_age_years IS NULL OR s.min_age_years <= :age)', { age: filter.ageYears });
      qb.andWhere('(s.max_age_years IS NULL OR s.max_age_years >= :age)', { age: filter.ageYears });
    }
    if (filter.areaId) {
      qb.andWhere(
        `(NOT EXISTS (SELECT 1 FROM service_areas sa WHERE sa.service_id = s.id)
          OR EXISTS (SELECT 1 FROM service_areas sa WHERE sa.service_id = s.id AND sa.area_id = :areaId))`,
        { areaId: filter.areaId },
      );
    }
    return qb.orderBy('s.name', 'ASC').addOrderBy('s.id', 'ASC').getMany();
  }

  insertArea(manager: EntityManager, area: Pick<AreaEntity, 'code' | 'name' | 'childPopulation'>) {
    return manager.getRepository(AreaEntity).save(manager.getRepository(AreaEntity).create(area));
  }

  async areaCodeExists(manager: EntityManager, code: string): Promise<boolean> {
    return manager.getRepository(AreaEntity).exists({ where: { code } });
  }

  insertAgency(manager: EntityManager, agency: Pick<AgencyEntity, 'name' | 'kind'>) {
    return manager.getRepository(AgencyEntity).save(manager.getRepository(AgencyEntity).create(agency));
  }

  insertService(manager: EntityManager, service: Partial<ServiceEntity>) {
    return manager.getRepository(ServiceEntity).save(manager.getRepository(ServiceEntity).create(service));
  }

  /** Locks the row so concurrent updates of one service apply one after the other. */
  lockService(manager: EntityManager, id: string): Promise<ServiceEntity | null> {
    if (!isId(id)) return Promise.resolve(null);
    return manager
      .getRepository(ServiceEntity)
      .createQueryBuilder('s')
      .setLock('pessimistic_write')
      .where('s.id = :id', { id })
      .getOne();
  }

  async updateService(manager: EntityManager, id: string, changes: Partial<ServiceEntity>): Promise<void> {
    if (Object.keys(changes).length) await manager.getRepository(ServiceEntity).update({ id }, changes);
  }

  async replaceServiceAreas(manager: EntityManager, serviceId: string, areaIds: string[]): Promise<void> {
    await manager.query('DELETE FROM service_areas WHERE service_id = $1', [serviceId]);
    if (areaIds.length) {
      await manager.query('INSERT INTO service_areas (service_id, area_id) SELECT $1, unnest($2::uuid[])', [
        serviceId,
        [...new Set(areaIds)],
      ]);
    }
  }
}
