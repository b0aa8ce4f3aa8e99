import { Field, ObjectType } from '@nestjs/graphql';
import { UserType } from '../../users/dto/user.type.js';

@ObjectType('AuthPayload')
export class AuthPayload {
  @Field() token: string;
  @Field(() => UserType) user: UserType;
}
