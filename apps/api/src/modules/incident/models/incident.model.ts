import { Field, ID, ObjectType } from '@nestjs/graphql';
import { IncidentStatus, Severity } from '../../../graphql/enums.js';
import { JSONScalar } from '../../../graphql/scalars/json.scalar.js';
import type { IncidentRootCause } from './incident-insights.model.js';

@ObjectType({ description: 'Something that went wrong, with the bundles gathered about it.' })
export class Incident {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String)
  description!: string;

  @Field(() => Severity)
  severity!: Severity;

  @Field(() => IncidentStatus)
  status!: IncidentStatus;

  @Field(() => JSONScalar, {
    description: 'Labels such as cluster, namespace, service: a string map.',
  })
  labels!: Record<string, string>;

  @Field(() => Date, { nullable: true })
  occurredAt!: Date | null;

  @Field(() => String, { nullable: true, description: '"user:<id>" or "token:<id>".' })
  createdBy!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date)
  updatedAt!: Date;

  @Field(() => Date, { nullable: true })
  mitigatedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  resolvedAt!: Date | null;

  /** Not a field: lists fill it for a whole page so `topRootCause` needs no query per row. */
  preloadedTopRootCause?: IncidentRootCause | null;
}

@ObjectType()
export class PageInfo {
  @Field(() => String, { nullable: true })
  endCursor!: string | null;

  @Field(() => Boolean)
  hasNextPage!: boolean;
}

@ObjectType()
export class IncidentConnection {
  @Field(() => [Incident])
  nodes!: Incident[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
