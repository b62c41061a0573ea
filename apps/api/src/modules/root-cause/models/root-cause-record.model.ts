import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { IncidentStatus } from '../../../graphql/enums.js';

@ObjectType({ description: 'An incident of the team in which the root cause was found.' })
export class RootCauseMatch {
  @Field(() => ID)
  incidentId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => IncidentStatus)
  status!: IncidentStatus;

  @Field(() => Date, { description: 'When the incident was opened.' })
  createdAt!: Date;

  @Field(() => Float, { description: 'The highest confidence of the finding in that incident.' })
  confidence!: number;
}

@ObjectType({ description: 'Incidents of the team in which the root cause was found.' })
export class RootCauseMatches {
  @Field(() => Int, { description: 'How many incidents, all of them.' })
  count!: number;

  @Field(() => [RootCauseMatch], { description: 'The newest ones.' })
  latest!: RootCauseMatch[];
}

@ObjectType({ description: 'How the team’s reviewers judged findings of this root cause.' })
export class RootCauseReviewRecord {
  @Field(() => Int)
  confirmed!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => Float, {
    nullable: true,
    description: 'confirmed / (confirmed + rejected), or null when nobody reviewed one yet.',
  })
  confirmationRate!: number | null;
}
