import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsOptional,
  IsString,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DateScalar } from '../../../graphql/scalars.js';
import { trimEach } from '../../../common/transforms.js';
import { MAX_IDEMPOTENCY_KEY_LENGTH, ReferralRequestFields } from '../../referrals/dto/referral.inputs.js';

export const MAX_PACKAGE_ITEMS = 20;
export const MAX_GOALS = 20;
export const MAX_GOAL_LENGTH = 500;

@InputType()
export class PackageItemInput extends ReferralRequestFields {}

@InputType()
export class CreateSupportPackageInput {
  @Field(() => ID) @IsString() familyId: string;
  @Field(() => [String])
  @Transform(trimEach)
  @ArrayMaxSize(MAX_GOALS)
  @IsString({ each: true })
  @MinLength(1, { each: true, message: 'goals must not be empty' })
  @MaxLength(MAX_GOAL_LENGTH, { each: true })
  goals: string[];
  @Field(() => DateScalar, { nullable: true }) @IsOptional() @IsString() reviewDate?: string | null;
  @Field(() => [PackageItemInput])
  @ArrayMaxSize(MAX_PACKAGE_ITEMS)
  @ValidateNested({ each: true })
  @Type(() => PackageItemInput)
  items: PackageItemInput[];
  @Field(() => Boolean, {
    nullable: true,
    description: 'Send every referral at once (default true); all or nothing.',
  })
  @IsOptional()
  @IsBoolean()
  send?: boolean | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @IsString()
  @MinLength(1, { message: 'idempotencyKey must not be empty' })
  @MaxLength(MAX_IDEMPOTENCY_KEY_LENGTH)
  idempotencyKey?: string | null;
}
