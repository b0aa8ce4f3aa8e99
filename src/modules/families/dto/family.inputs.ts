import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsDate,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { ConsentScope, MemberRole } from '../../../common/enums.js';
import { DateScalar, DateTimeScalar } from '../../../graphql/scalars.js';
import { trim } from '../../../common/transforms.js';

export const MAX_MEMBERS = 30;

@InputType()
export class FamilyMemberInput {
  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'givenName must not be empty' })
  @MaxLength(100)
  givenName: string;
  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'familyName must not be empty' })
  @MaxLength(100)
  familyName: string;
  @Field(() => DateScalar, { nullable: true }) @IsOptional() @IsString() dateOfBirth?: string | null;
  @Field(() => MemberRole) @IsEnum(MemberRole) role: MemberRole;
}

@InputType()
export class CreateFamilyInput {
  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'name must not be empty' })
  @MaxLength(200)
  name: string;
  @Field(() => ID) @IsUUID('all', { message: 'areaId must name an area' }) areaId: string;
  @Field(() => [FamilyMemberInput])
  @ArrayMaxSize(MAX_MEMBERS)
  @ValidateNested({ each: true })
  @Type(() => FamilyMemberInput)
  members: FamilyMemberInput[];
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'leadProfessionalId must name a lead professional' })
  leadProfessionalId?: string | null;
}

@InputType()
export class ConsentInput {
  @Field(() => ID)
  @IsUUID('all', { message: 'givenByMemberId must name a member of the family' })
  givenByMemberId: string;
  @Field(() => ConsentScope) @IsEnum(ConsentScope) scope: ConsentScope;
  @Field(() => [ID], { nullable: true })
  @IsOptional()
  @ArrayMaxSize(100)
  @IsUUID('all', { each: true, message: 'agencyIds must name agencies' })
  agencyIds?: string[] | null;
  @Field()
  @Transform(trim)
  @IsString()
  @MinLength(1, { message: 'purpose must not be empty' })
  @MaxLength(1000)
  purpose: string;
  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional() @IsDate() givenAt?: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) @IsOptional() @IsDate() expiresAt?: Date | null;
}
