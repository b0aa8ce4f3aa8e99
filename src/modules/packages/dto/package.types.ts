import { Field, ID, ObjectType } from '@nestjs/graphql';
import { PackageStatus } from '../../../common/enums.js';
import { DateScalar, DateTimeScalar } from '../../../graphql/scalars.js';

@ObjectType('SupportPackage', {
  description:
    'A tailored package: several services, usually from several agencies, coordinated by the lead professional.',
})
export class SupportPackageType {
  @Field(() => ID) id: string;
  familyId: string;
  leadProfessionalId: string;
  @Field(() => [String]) goals: string[];
  @Field(() => PackageStatus) status: PackageStatus;
  @Field(() => DateScalar, { nullable: true }) reviewDate: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) closedAt: Date | null;
}
