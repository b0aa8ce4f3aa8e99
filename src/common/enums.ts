import { registerEnumType } from '@nestjs/graphql';

export enum Role {
  ADMIN = 'ADMIN',
  LEAD_PROFESSIONAL = 'LEAD_PROFESSIONAL',
  AGENCY_STAFF = 'AGENCY_STAFF',
  BOARD_MEMBER = 'BOARD_MEMBER',
}

export enum AgencyKind {
  HEALTH = 'HEALTH',
  SOCIAL_CARE = 'SOCIAL_CARE',
  EDUCATION = 'EDUCATION',
  EARLY_YEARS = 'EARLY_YEARS',
  POLICE = 'POLICE',
  HOUSING = 'HOUSING',
  VOLUNTARY = 'VOLUNTARY',
  LOCAL_AUTHORITY = 'LOCAL_AUTHORITY',
  OTHER = 'OTHER',
}

export enum MemberRole {
  CHILD = 'CHILD',
  PARENT_CARER = 'PARENT_CARER',
  OTHER_ADULT = 'OTHER_ADULT',
}

export enum ConsentScope {
  ALL_PARTNERS = 'ALL_PARTNERS',
  SPECIFIC_AGENCIES = 'SPECIFIC_AGENCIES',
}

export enum ReferralStatus {
  DRAFT = 'DRAFT',
  SENT = 'SENT',
  ACCEPTED = 'ACCEPTED',
  DECLINED = 'DECLINED',
  STARTED = 'STARTED',
  COMPLETED = 'COMPLETED',
  WITHDRAWN = 'WITHDRAWN',
}

export enum Urgency {
  ROUTINE = 'ROUTINE',
  URGENT = 'URGENT',
}

export enum PackageStatus {
  ACTIVE = 'ACTIVE',
  CLOSED = 'CLOSED',
}

registerEnumType(Role, { name: 'Role' });
registerEnumType(AgencyKind, { name: 'AgencyKind' });
registerEnumType(MemberRole, { name: 'MemberRole' });
registerEnumType(ConsentScope, { name: 'ConsentScope' });
registerEnumType(ReferralStatus, { name: 'ReferralStatus' });
registerEnumType(Urgency, { name: 'Urgency' });
registerEnumType(PackageStatus, { name: 'PackageStatus' });
