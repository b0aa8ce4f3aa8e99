import { IdempotencyKeyEntity } from '../common/idempotency-key.entity.js';
import { AuditEventEntity } from '../modules/audit/audit-event.entity.js';
import { LoginFailureEntity } from '../modules/auth/login-failure.entity.js';
import { RevokedTokenEntity } from '../modules/auth/revoked-token.entity.js';
import { AgencyEntity } from '../modules/directory/agency.entity.js';
import { AreaEntity } from '../modules/directory/area.entity.js';
import { ServiceEntity } from '../modules/directory/service.entity.js';
import { ConsentEntity } from '../modules/families/consent.entity.js';
import { FamilyMemberEntity } from '../modules/families/family-member.entity.js';
import { FamilyEntity } from '../modules/families/family.entity.js';
import { LeadProfessionalAssignmentEntity } from '../modules/families/lead-professional-assignment.entity.js';
import { SupportPackageEntity } from '../modules/packages/support-package.entity.js';
import { ReferralEventEntity } from '../modules/referrals/referral-event.entity.js';
import { ReferralEntity } from '../modules/referrals/referral.entity.js';
import { UserEntity } from '../modules/users/user.entity.js';

export const ENTITIES = [
  AreaEntity,
  AgencyEntity,
  ServiceEntity,
  UserEntity,
  FamilyEntity,
  FamilyMemberEntity,
  LeadProfessionalAssignmentEntity,
  ConsentEntity,
  ReferralEntity,
  ReferralEventEntity,
  SupportPackageEntity,
  AuditEventEntity,
  RevokedTokenEntity,
  LoginFailureEntity,
  IdempotencyKeyEntity,
];
