import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../../common/actor.js';
import { dateInZone } from '../../common/dates.js';
import { newId } from '../../common/ids.js';
import { DomainError, ErrorCode } from '../../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { RequestLoaders } from '../../graphql/request-loaders.js';
import { AuditService } from '../audit/audit.service.js';
import type { FamilyType } from '../families/dto/family.types.js';
import { mayUseFamilies } from '../families/families.rules.js';
import { FamiliesService } from '../families/families.service.js';
import { ReferralErrors } from '../referrals/referrals.errors.js';
import {
  itemError,
  normaliseRequest,
  type PreparedReferral,
  ReferralsService,
  requestHash,
} from '../referrals/referrals.service.js';
import type { CreateSupportPackageInput } from './dto/package.inputs.js';
import type { SupportPackageType } from './dto/package.types.js';
import { PackageErrors } from './packages.errors.js';
import { packagesByFamilyLoader } from './packages.loaders.js';
import { PackagesRepository } from './packages.repository.js';

/**
 * Support packages: several referrals for one family created (and by default sent) in one
 * transaction, all or nothing, coordinated by the family's lead professional.
 */
@Injectable()
export class PackagesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly db: DataSource,
    private readonly repo: PackagesRepository,
    private readonly families: FamiliesService,
    private readonly referrals: ReferralsService,
    private readonly audit: AuditService,
  ) {}

  async createSupportPackage(actor: Actor, input: CreateSupportPackageInput): Promise<SupportPackageType> {
    if (!mayUseFamilies(actor)) throw ReferralErrors.boardMember();
    const goals = input.goals.map((g) => g.trim());
    if (!goals.length) throw PackageErrors.goalsRequired();
    if (!input.items.length) throw PackageErrors.itemsRequired();
    const now = new Date();
    const today = dateInZone(now, this.config.reportingTimeZone);
    const reviewDate = input.reviewDate ?? null;
    if (reviewDate && reviewDate < today) throw PackageErrors.reviewDateInPast();
    const send = input.send ?? true;
    const items = input.items.map((item) => normaliseRequest(item));
    const hash = requestHash({ familyId: input.familyId, goals, reviewDate, send, items });

    return this.db.transaction(async (m) => {
      const id = newId();
      const replayed = await this.referrals.replayOf(
        m,
        actor,
        'createSupportPackage',
        input.idempotencyKey,
        hash,
        id,
        (first) => this.repo.findById(first, m),
      );
      if (replayed) return replayed;
      const family = await this.families.familyForLeadWork(actor, input.familyId, m);
      if (!family.leadProfessionalId) throw PackageErrors.noLeadProfessional();

      // Check every item before writing anything, so the first failing item is the one reported.
      const prepared: PreparedReferral[] = [];
      for (const [index, item] of input.items.entries()) {
        try {
          prepared.push(await this.referrals.prepare(m, family, item, today));
        } catch (error) {
          throw itemError(error, index, item.serviceId);
        }
      }
      const pkg = await this.repo.insert(m, {
        id,
        familyId: family.id,
        leadProfessionalId: family.leadProfessionalId,
        goals,
        reviewDate,
        createdById: actor.id,
        createdAt: now,
      });
      const referralIds: string[] = [];
      for (const [index, item] of prepared.entries()) {
        let referral = await this.referrals.insertPrepared(m, actor, family, item, {
          id: newId(),
          packageId: pkg.id,
          createdAt: now,
        });
        if (send) {
          try {
            referral = await this.referrals.sendWithin(m, actor, referral, family, now);
          } catch (error) {
            // Thrown out of the transaction: every row written so far is rolled back.
            throw itemError(error, index, item.service.id);
          }
        }
        referralIds.push(referral.id);
      }
      await this.audit.record(m, actor, {
        action: 'package.create',
        entityType: 'SupportPackage',
        entityId: pkg.id,
        details: { familyId: family.id, referralIds, sent: send },
      });
      return pkg;
    });
  }

  async closeSupportPackage(actor: Actor, id: string): Promise<SupportPackageType> {
    if (!mayUseFamilies(actor)) throw ReferralErrors.boardMember();
    return this.db.transaction(async (m) => {
      const pkg = await this.repo.findById(id, m);
      if (!pkg) throw PackageErrors.notFound();
      try {
        await this.families.familyForLeadWork(actor, pkg.familyId, m);
      } catch (error) {
        // A package is part of the family's record: hidden family, hidden package.
        if (error instanceof DomainError && error.code === ErrorCode.NOT_FOUND) {
          throw PackageErrors.notFound();
        }
        throw error;
      }
      const closed = await this.repo.close(m, pkg.id, new Date());
      if (!closed) throw PackageErrors.alreadyClosed();
      await this.audit.record(m, actor, {
        action: 'package.close',
        entityType: 'SupportPackage',
        entityId: pkg.id,
        details: { familyId: pkg.familyId },
      });
      return closed;
    });
  }

  /** Family.packages: only for callers with FULL access to the family. */
  async familyPackages(family: FamilyType, loaders: RequestLoaders): Promise<SupportPackageType[]> {
    return family.access === 'FULL' ? packagesByFamilyLoader(loaders, this.repo).load(family.id) : [];
  }

  async familyOf(actor: Actor, pkg: SupportPackageType, loaders: RequestLoaders): Promise<FamilyType> {
    const family = await this.families.familyOfRecord(actor, pkg.familyId, loaders);
    if (!family) throw PackageErrors.notFound();
    return family;
  }
}
