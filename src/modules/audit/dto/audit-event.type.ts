import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { PageInfo } from '../../../common/pagination.js';
import { DateTimeScalar } from '../../../graphql/scalars.js';

@ObjectType('AuditEvent')
export class AuditEventType {
  @Field(() => ID) id: string;
  @Field(() => DateTimeScalar) at: Date;
  actorId: string | null;
  @Field() action: string;
  @Field() entityType: string;
  @Field(() => ID, { nullable: true }) entityId: string | null;
}

@ObjectType('AuditEventEdge')
export class AuditEventEdge {
  @Field() cursor: string;
  @Field(() => AuditEventType) node: AuditEventType;
}

@ObjectType('AuditEventConnection')
export class AuditEventConnection {
  @Field(() => [AuditEventEdge]) edges: AuditEventEdge[];
  @Field(() => [AuditEventType]) nodes: AuditEventType[];
  @Field(() => PageInfo) pageInfo: PageInfo;
  @Field(() => Int) totalCount: number;
}
