import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { RootCauseStatus } from '../../../graphql/enums.js';
import { JSONScalar } from '../../../graphql/scalars/json.scalar.js';
import {
  RemediationOption,
  RootCauseAffected,
  RootCauseLab,
  RootCauseReference,
  RootCauseSignature,
  RootCauseSysctl,
} from './root-cause-entry.model.js';

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

  @Field(() => [String], { description: 'The mechanism, one step per item, in order.' })
  mechanism!: string[];

  @Field(() => [RootCauseSignature], { description: 'What it leaves behind, per artifact kind.' })
  signatures!: RootCauseSignature[];

  @Field(() => RootCauseAffected)
  affected!: RootCauseAffected;

  @Field(() => [RootCauseSysctl])
  sysctls!: RootCauseSysctl[];

  @Field(() => [RemediationOption], { description: 'Ways out, best first (typed remediation).' })
  remediationOptions!: RemediationOption[];

  @Field(() => [String], { description: 'How to know the fix worked.' })
  verification!: string[];

  @Field(() => [RootCauseReference])
  references!: RootCauseReference[];

  @Field(() => RootCauseLab, { description: 'The reproduction lab.' })
  lab!: RootCauseLab;
}
