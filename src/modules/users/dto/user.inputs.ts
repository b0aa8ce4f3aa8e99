import { Field, ID, InputType } from '@nestjs/graphql';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsEmail,
  IsEnum,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { Role } from '../../../common/enums.js';
import { trim } from '../../../common/transforms.js';

export const MIN_PASSWORD_LENGTH = 12;

@InputType()
export class CreateUserInput {
  @Field()
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
  @Field() @Transform(trim) @IsString() @MinLength(1) @MaxLength(200) name: string;
  @Field()
  @IsString()
  @MinLength(MIN_PASSWORD_LENGTH, { message: `password must be at least ${MIN_PASSWORD_LENGTH} characters` })
  @MaxLength(256)
  password: string;
  @Field(() => [Role])
  @ArrayMinSize(1, { message: 'roles must not be empty' })
  @ArrayMaxSize(4)
  @IsEnum(Role, { each: true })
  roles: Role[];
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'agencyId must be an id' })
  agencyId?: string | null;
}

@InputType()
export class UpdateUserRolesInput {
  @Field(() => [Role])
  @ArrayMinSize(1, { message: 'roles must not be empty' })
  @ArrayMaxSize(4)
  @IsEnum(Role, { each: true })
  roles: Role[];
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'agencyId must be an id' })
  agencyId?: string | null;
}
