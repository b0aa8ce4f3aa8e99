import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Role } from '../../../common/enums.js';

@ObjectType('User')
export class UserType {
  @Field(() => ID) id: string;
  @Field() email: string;
  @Field() name: string;
  @Field(() => [Role]) roles: Role[];
  agencyId: string | null;
  @Field() active: boolean;
}
