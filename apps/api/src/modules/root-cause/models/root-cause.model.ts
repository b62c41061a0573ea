import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RootCauseStatus } from '../../../graphql/enums.js';
import { JSONScalar } from '../../../graphql/scalars/json.scalar.js';

@ObjectType({
  description: 'A known cause of connection failures, from the catalogue or the team.',
})
export class RootCause {
  @Field(() => ID, { description: 'Stable catalogue id, e.g. ct-invalid-not-natted-rst.' })
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { description: 'The mechanism in one sentence.' })
  summary!: string;

  @Field(() => [String])
  symptoms!: string[];

  @Field(() => JSONScalar, {
    description: 'Remediation options; filled in as the catalogue grows.',
  })
  remediation!: unknown;

  @Field(() => Boolean)
  builtin!: boolean;

  @Field(() => RootCauseStatus)
  status!: RootCauseStatus;

  @Field(() => Int)
  version!: number;

  @Field(() => JSONScalar, { description: 'The whole entry as stored.' })
  definition!: unknown;
}
