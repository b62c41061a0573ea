import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { ReviewVerdict } from '../../../graphql/enums.js';
import { JSONScalar } from '../../../graphql/scalars/json.scalar.js';

@ObjectType({ description: 'A root cause the matcher found in an analysis.' })
export class Finding {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  analysisId!: string;

  @Field(() => String, { description: 'Catalogue id of the root cause.' })
  rootCauseId!: string;

  @Field(() => Float, { description: '0 to 1.' })
  confidence!: number;

  @Field(() => String)
  summary!: string;

  @Field(() => JSONScalar, {
    nullable: true,
    description: '{ client: "ip:port", server: "ip:port" }',
  })
  flow!: unknown;

  @Field(() => JSONScalar, { description: '[{ artifact, locator, note }]' })
  evidence!: unknown;

  @Field(() => JSONScalar)
  evidenceAgainst!: unknown;

  @Field(() => JSONScalar)
  remediation!: unknown;

  @Field(() => Boolean, { description: 'Added after the analysis, by a newer catalogue entry.' })
  foundLater!: boolean;

  @Field(() => Date)
  createdAt!: Date;
}

@ObjectType()
export class FindingReview {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  findingId!: string;

  @Field(() => String)
  reviewer!: string;

  @Field(() => ReviewVerdict)
  verdict!: ReviewVerdict;

  @Field(() => String)
  note!: string;

  @Field(() => Date)
  updatedAt!: Date;
}
