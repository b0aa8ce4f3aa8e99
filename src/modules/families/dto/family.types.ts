import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ConsentScope, MemberRole } from '../../../common/enums.js';
import { PageInfo } from '../../../common/pagination.js';
import { DateScalar, DateTimeScalar } from '../../../graphql/scalars.js';

/**
 * How much of a family the caller may see:
 * FULL for its current lead professional and admins; LIMITED (name, reference, area, members)
 * for agency staff reached through one of their agency's referrals, and for a referrer who
 * no longer leads the family, reached through their own referral.
 */
export type FamilyAccessLevel = 'FULL' | 'LIMITED';

@ObjectType('FamilyMember')
export class FamilyMemberType {
  @Field(() => ID) id: string;
  familyId: string;
  @Field() givenName: string;
  @Field() familyName: string;
  @Field(() => DateScalar, { nullable: true }) dateOfBirth: string | null;
  @Field(() => MemberRole) role: MemberRole;
}

@ObjectType('Family')
export class FamilyType {
  @Field(() => ID) id: string;
  @Field() reference: string;
  @Field() name: string;
  areaId: string;
  leadProfessionalId: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  /** Not a GraphQL field: set by the service that handed out this family, read by field resolvers. */
  access: FamilyAccessLevel;
}

@ObjectType('LeadProfessionalAssignment')
export class LeadProfessionalAssignmentType {
  userId: string;
  @Field(() => DateTimeScalar) startedAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) endedAt: Date | null;
  @Field(() => String, { nullable: true }) reason: string | null;
}

@ObjectType('Consent', { description: "Consent to share the family's information with partner agencies." })
export class ConsentType {
  @Field(() => ID) id: string;
  familyId: string;
  givenByMemberId: string;
  @Field(() => ConsentScope) scope: ConsentScope;
  @Field() purpose: string;
  @Field(() => DateTimeScalar) givenAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) withdrawnAt: Date | null;
}

@ObjectType('FamilyEdge')
export class FamilyEdge {
  @Field() cursor: string;
  @Field(() => FamilyType) node: FamilyType;
}

@ObjectType('FamilyConnection')
export class FamilyConnection {
  @Field(() => [FamilyEdge]) edges: FamilyEdge[];
  @Field(() => [FamilyType]) nodes: FamilyType[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}
