import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { ReferralStatus, Urgency } from '../../../common/enums.js';
import { PageInfo } from '../../../common/pagination.js';
import { DateTimeScalar } from '../../../graphql/scalars.js';

@ObjectType('ReferralEvent')
export class ReferralEventType {
  @Field(() => ID) id: string;
  referralId: string;
  @Field(() => ReferralStatus) status: ReferralStatus;
  @Field(() => DateTimeScalar) at: Date;
  actorId: string;
  @Field(() => String, { nullable: true }) note: string | null;
}

@ObjectType('Referral', {
  description:
    "A request for one agency's service for named children of a family.\nClock: `receivedAt` (sent) starts the wait, `startedAt` ends it.",
})
export class ReferralType {
  @Field(() => ID) id: string;
  @Field() reference: string;
  familyId: string;
  serviceId: string;
  agencyId: string;
  referredById: string;
  packageId: string | null;
  @Field() reason: string;
  @Field(() => Urgency) urgency: Urgency;
  @Field(() => ReferralStatus) status: ReferralStatus;
  @Field(() => Int) version: number;
  @Field() sharedWithoutConsent: boolean;
  @Field(() => String, { nullable: true }) sharedWithoutConsentReason: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) receivedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) decidedAt: Date | null;
  @Field(() => String, { nullable: true }) declineReason: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) startedAt: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) closedAt: Date | null;
  @Field(() => String, { nullable: true }) outcome: string | null;
  @Field(() => String, { nullable: true }) withdrawReason: string | null;
}

@ObjectType('ReferralEdge')
export class ReferralEdge {
  @Field() cursor: string;
  @Field(() => ReferralType) node: ReferralType;
}

@ObjectType('ReferralConnection')
export class ReferralConnection {
  @Field(() => [ReferralEdge]) edges: ReferralEdge[];
  @Field(() => [ReferralType]) nodes: ReferralType[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}
