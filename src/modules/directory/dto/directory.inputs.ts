import { Field, ID, InputType, Int } from '@nestjs/graphql';
import {
  ArrayMaxSize,
  IsBoolean,
  IsEnum,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { AgencyKind } from '../../../common/enums.js';
import { trim } from '../../../common/transforms.js';

@InputType()
export class CreateAreaInput {
  @Field()
  @Transform(trim)
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{1,32}$/, { message: 'code must be 1-32 letters, digits, - or _' })
  code: string;
  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(100_000_000) childPopulation?:
    number | null;
}

@InputType()
export class CreateAgencyInput {
  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @Field(() => AgencyKind) @IsEnum(AgencyKind) kind: AgencyKind;
}

@InputType()
export class CreateServiceInput {
  @Field(() => ID) @IsUUID('all', { message: 'agencyId must be an id' }) agencyId: string;
  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?:
    string | null;
  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(100) category: string;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(25) minAgeYears?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(25) maxAgeYears?: number | null;
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: 'areaIds must be ids' })
  areaIds?: string[] | null;
  @Field(() => Int) @IsInt() @Min(1) @Max(3650) waitingTimeTargetDays: number;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() acceptingReferrals?: boolean | null;
}

@InputType()
export class UpdateServiceInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(2000) description?:
    string | null;
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  category?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(25) minAgeYears?: number | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(25) maxAgeYears?: number | null;
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(500)
  @IsUUID('all', { each: true, message: 'areaIds must be ids' })
  areaIds?: string[] | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(1) @Max(3650) waitingTimeTargetDays?:
    number | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() acceptingReferrals?: boolean | null;
}

@InputType()
export class ServiceFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'agencyId must be an id' })
  agencyId?: string | null;
  @Field(() => String, { nullable: true }) @IsOptional() @IsString() @MaxLength(100) category?: string | null;
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'areaId must be an id' })
  areaId?: string | null;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) @Max(150) ageYears?: number | null;
  @Field(() => Boolean, { nullable: true }) @IsOptional() @IsBoolean() acceptingReferrals?: boolean | null;
}
