import { Field, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../../graphql/scalars/json.scalar.js';

@ObjectType({ description: 'One step of how the failure happened.' })
export class NarrativeStep {
  @Field(() => String, { nullable: true, description: 'ISO time with microseconds.' })
  time!: string | null;

  @Field(() => String)
  text!: string;

  @Field(() => JSONScalar, { nullable: true, description: '{ artifact, locator, note }' })
  evidence!: unknown;
}
