import { Field, Float, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { IncidentStatus, Severity } from '../../../graphql/enums.js';

@ObjectType({ description: 'The strongest finding of an incident, for one-line summaries.' })
export class IncidentRootCause {
  @Field(() => String, { description: 'Catalogue id of the root cause.' })
  rootCauseId!: string;

  @Field(() => String, { nullable: true, description: 'Null when the entry is not known.' })
  title!: string | null;

  @Field(() => Float, { description: '0 to 1.' })
  confidence!: number;
}

@ObjectType()
export class RootCauseCount {
  @Field(() => String)
  rootCauseId!: string;

  @Field(() => String, { nullable: true })
  title!: string | null;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class StatusCount {
  @Field(() => IncidentStatus)
  status!: IncidentStatus;

  @Field(() => Int)
  count!: number;
}

@ObjectType()
export class SeverityCount {
  @Field(() => Severity)
  severity!: Severity;

  @Field(() => Int)
  count!: number;
}

@ObjectType({
  description:
    'Counts beside the history filters. Each facet leaves its own filter out, so the other choices keep their counts.',
})
export class IncidentFacets {
  @Field(() => Int, { description: 'Incidents the whole filter matches.' })
  total!: number;

  @Field(() => [RootCauseCount], {
    description: 'Incidents with at least one finding of the root cause, most first.',
  })
  rootCauses!: RootCauseCount[];

  @Field(() => [StatusCount])
  statuses!: StatusCount[];

  @Field(() => [SeverityCount])
  severities!: SeverityCount[];
}

export enum TimelineBucket {
  DAY = 'day',
  WEEK = 'week',
}
registerEnumType(TimelineBucket, { name: 'TimelineBucket' });

@ObjectType({ description: 'Incidents in one time bucket with the same top root cause.' })
export class IncidentTimelinePoint {
  @Field(() => Date, { description: 'Start of the UTC day or ISO week.' })
  start!: Date;

  @Field(() => String, { nullable: true, description: 'Null: no finding (yet).' })
  rootCauseId!: string | null;

  @Field(() => Int)
  count!: number;
}
