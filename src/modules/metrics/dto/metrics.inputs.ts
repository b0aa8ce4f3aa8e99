import { Field, ID, InputType } from '@nestjs/graphql';
import { IsOptional, IsString, IsUUID } from 'class-validator';
import { DateScalar } from '../../../graphql/scalars.js';

@InputType('MetricsFilter', { description: 'Inclusive calendar-day period [from, to] and optional scope.' })
export class MetricsFilter {
  /** The Date scalar has already checked the format; IsString keeps the field through the whitelist. */
  @Field(() => DateScalar) @IsString() from: string;
  @Field(() => DateScalar) @IsString() to: string;
  // A malformed id is refused rather than matching nothing: a silent zero could be published.
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'areaId must be an id' })
  areaId?: string | null;
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'agencyId must be an id' })
  agencyId?: string | null;
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @IsUUID('all', { message: 'serviceId must be an id' })
  serviceId?: string | null;
}
