import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { AgencyKind } from '../../../common/enums.js';

@ObjectType('Area', {
  description: 'A local area; its child population (aged 0-17) is the denominator of referral rates.',
})
export class AreaType {
  @Field(() => ID) id: string;
  @Field() code: string;
  @Field() name: string;
  @Field(() => Int, { nullable: true }) childPopulation: number | null;
}

@ObjectType('Agency')
export class AgencyType {
  @Field(() => ID) id: string;
  @Field() name: string;
  @Field(() => AgencyKind) kind: AgencyKind;
}

@ObjectType('Service', {
  description: 'A service in the shared directory. Empty `areas` means it is offered everywhere.',
})
export class ServiceType {
  @Field(() => ID) id: string;
  agencyId: string;
  @Field() name: string;
  @Field(() => String, { nullable: true }) description: string | null;
  @Field() category: string;
  @Field(() => Int, { nullable: true }) minAgeYears: number | null;
  @Field(() => Int, { nullable: true }) maxAgeYears: number | null;
  @Field(() => Int) waitingTimeTargetDays: number;
  @Field() acceptingReferrals: boolean;
}
