import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, IsEnum, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { ReferralStatus, Urgency } from '../../../common/enums.js';
import { trim } from '../../../common/transforms.js';

export const MAX_CHILDREN_PER_REFERRAL = 20;
export const MAX_REASON_LENGTH = 2000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;

/** What one referral asks for: shared by createReferral and the items of a support package. */
@InputType({ isAbstract: true })
export abstract class ReferralRequestFields {
  // Ids are not format-checked here: an id that cannot name a record is answered like a missing one.
  @Field(() => ID) @IsString() serviceId: string;
  @Field(() => [ID])
  @ArrayMaxSize(MAX_CHILDREN_PER_REFERRAL)
  @IsString({ each: true })
  childIds: string[];
  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'reason must not be empty' })
  @MaxLength(MAX_REASON_LENGTH)
  reason: string;
  @Field(() => Urgency, { nullable: true }) @IsOptional() @IsEnum(Urgency) urgency?: Urgency | null;
}

@InputType()
export class CreateReferralInput extends ReferralRequestFields {
  @Field(() => ID) @IsString() familyId: string;
  @Field(() => String, {
    nullable: true,
    description: 'Safeguarding exception: sharing without consent, with the recorded justification.',
  })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'shareWithoutConsentReason must not be empty' })
  @MaxLength(MAX_REASON_LENGTH)
  shareWithoutConsentReason?: string | null;
  @Field(() => String, {
    nullable: true,
    description: 'A retried create with the same key returns the first result instead of a duplicate.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'idempotencyKey must not be empty' })
  @MaxLength(MAX_IDEMPOTENCY_KEY_LENGTH)
  idempotencyKey?: string | null;
}

@InputType()
export class ReferralFilter {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() agencyId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() serviceId?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsString() familyId?: string | null;
  @Field(() => [ReferralStatus], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsEnum(ReferralStatus, { each: true })
  status?: ReferralStatus[] | null;
}
