import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { Actor } from '../../common/actor.js';
import { requireAnyRole } from '../../common/actor.js';
import { Role } from '../../common/enums.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { AuditService } from '../audit/audit.service.js';
import type { AreaEntity } from './area.entity.js';
import { DirectoryCache } from './directory-cache.js';
import { DirectoryErrors } from './directory.errors.js';
import {
  agencyLoader,
  areaLoader,
  serviceAreaIdsLoader,
  serviceLoader,
  servicesByAgencyLoader,
} from './directory.loaders.js';
import { DirectoryRepository } from './directory.repository.js';
import type {
  CreateAgencyInput,
  CreateAreaInput,
  CreateServiceInput,
  ServiceFilter,
  UpdateServiceInput,
} from './dto/directory.inputs.js';
import type { ServiceEntity } from './service.entity.js';

/** The shared directory of areas, agencies and services: readable by every signed-in user, kept by admins. */
@Injectable()
export class DirectoryService {
  constructor(
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: DirectoryRepository,
    private readonly audit: AuditService,
    private readonly cache: DirectoryCache,
  ) {}

  areas(_actor: Actor) {
    return this.repo.listAreas();
  }

  agencies(_actor: Actor) {
    return this.repo.listAgencies();
  }

  services(_actor: Actor, filter: ServiceFilter | undefined) {
    return this.repo.findServices(filter ?? {});
  }

  agency(id: string, loaders: RequestLoaders) {
    return agencyLoader(loaders, this.repo, this.cache).load(id);
  }

  area(id: string, loaders: RequestLoaders) {
    return areaLoader(loaders, this.repo, this.cache).load(id);
  }

  service(id: string, loaders: RequestLoaders) {
    return serviceLoader(loaders, this.repo, this.cache).load(id);
  }

  servicesOfAgency(agencyId: string, loaders: RequestLoaders) {
    return servicesByAgencyLoader(loaders, this.repo).load(agencyId);
  }

  async areasOfService(serviceId: string, loaders: RequestLoaders): Promise<AreaEntity[]> {
    const ids = await serviceAreaIdsLoader(loaders, this.repo).load(serviceId);
    const areas = await areaLoader(loaders, this.repo, this.cache).loadMany(ids);
    return areas
      .filter((a): a is AreaEntity => !!a && !(a instanceof Error))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  async createArea(actor: Actor, input: CreateAreaInput) {
    requireAnyRole(actor, Role.ADMIN);
    return this.changeDirectory(async (m) => {
      if (await this.repo.areaCodeExists(m, input.code)) throw DirectoryErrors.areaCodeTaken();
      const area = await this.repo.insertArea(m, {
        code: input.code,
        name: input.name,
        childPopulation: input.childPopulation ?? null,
      });
      await this.audit.record(m, actor, { action: 'area.create', entityType: 'Area', entityId: area.id });
      return area;
    });
  }

  async createAgency(actor: Actor, input: CreateAgencyInput) {
    requireAnyRole(actor, Role.ADMIN);
    return this.changeDirectory(async (m) => {
      const agency = await this.repo.insertAgency(m, { name: input.name, kind: input.kind });
      await this.audit.record(m, actor, {
        action: 'agency.create',
        entityType: 'Agency',
        entityId: agency.id,
      });
      return agency;
    });
  }

  async createService(actor: Actor, input: CreateServiceInput) {
    requireAnyRole(actor, Role.ADMIN);
    this.checkAgeRange(input.minAgeYears ?? null, input.maxAgeYears ?? null);
    return this.changeDirectory(async (m) => {
      if ((await this.repo.agenciesByIds([input.agencyId])).length !== 1)
        throw DirectoryErrors.agencyMissing();
      const areaIds = [...new Set(input.areaIds ?? [])];
      await this.checkAreas(areaIds);
      const service = await this.repo.insertService(m, {
        agencyId: input.agencyId,
        name: input.name,
        description: input.description ?? null,
        category: input.category,
        minAgeYears: input.minAgeYears ?? null,
        maxAgeYears: input.maxAgeYears ?? null,
        waitingTimeTargetDays: input.waitingTimeTargetDays,
        acceptingReferrals: input.acceptingReferrals ?? true,
      });
      await this.repo.replaceServiceAreas(m, service.id, areaIds);
      await this.audit.record(m, actor, {
        action: 'service.create',
        entityType: 'Service',
        entityId: service.id,
      });
      return service;
    });
  }

  async updateService(actor: Actor, id: string, input: UpdateServiceInput) {
    requireAnyRole(actor, Role.ADMIN);
    return this.changeDirectory(async (m) => {
      const current = await this.repo.lockService(m, id);
      if (!current) throw DirectoryErrors.serviceNotFound();
      const min = input.minAgeYears !== undefined ? input.minAgeYears : current.minAgeYears;
      const max = input.maxAgeYears !== undefined ? input.maxAgeYears : current.maxAgeYears;
      this.checkAgeRange(min ?? null, max ?? null);
      const changes: Partial<ServiceEntity> = {};
      if (input.name != null) changes.name = input.name;
      if (input.description !== undefined) changes.description = input.description;
      if (input.category != null) changes.category = input.category;
      if (input.minAgeYears !== undefined) changes.minAgeYears = input.minAgeYears;
      if (input.maxAgeYears !== undefined) changes.maxAgeYears = input.maxAgeYears;
      if (input.waitingTimeTargetDays != null) changes.waitingTimeTargetDays = input.waitingTimeTargetDays;
      if (input.acceptingReferrals != null) changes.acceptingReferrals = input.acceptingReferrals;
      await this.repo.updateService(m, id, changes);
      if (input.areaIds) {
        const areaIds = [...new Set(input.areaIds)];
        await this.checkAreas(areaIds);
        await this.repo.replaceServiceAreas(m, id, areaIds);
      }
      await this.audit.record(m, actor, {
        action: 'service.update',
        entityType: 'Service',
        entityId: id,
        details: { fields: Object.keys(input).sort() },
      });
      return { ...current, ...changes };
    });
  }

  private checkAgeRange(min: number | null, max: number | null) {
    if (min !== null && max !== null && min > max) throw DirectoryErrors.ageRange();
  }

  private async checkAreas(areaIds: string[]) {
    if (areaIds.length && (await this.repo.areasByIds(areaIds)).length !== areaIds.length) {
      throw DirectoryErrors.areasMissing();
    }
  }

  /** A change in one transaction; this process's cached directory is dropped once it commits. */
  private async changeDirectory<T>(work: (m: EntityManager) => Promise<T>): Promise<T> {
    const result = await this.db.transaction(work);
    this.cache.invalidate();
    return result;
  }
}
