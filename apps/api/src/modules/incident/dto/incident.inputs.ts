import { Field, InputType } from '@nestjs/graphql';
import { IncidentStatus, Severity } from '../../../graphql/enums.js';
import { JSONScalar } from '../../../graphql/scalars/json.scalar.js';

@InputType()
export class CreateIncidentInput {
  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => Severity, { nullable: true, defaultValue: Severity.MEDIUM })
  severity?: Severity | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'A string map, e.g. {"cluster":"prod-eu","service":"checkout"}.',
  })
  labels?: Record<string, string> | null;

  @Field(() => Date, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class UpdateIncidentInput {
  @Field(() => String, { nullable: true })
  title?: string;

  @Field(() => String, { nullable: true })
  description?: string;

  @Field(() => Severity, { nullable: true })
  severity?: Severity;

  @Field(() => IncidentStatus, { nullable: true })
  status?: IncidentStatus;

  @Field(() => JSONScalar, { nullable: true })
  labels?: Record<string, string>;

  @Field(() => Date, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class IncidentFilterInput {
  @Field(() => [IncidentStatus], { nullable: true })
  statuses?: IncidentStatus[] | null;

  @Field(() => [Severity], { nullable: true })
  severities?: Severity[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'Catalogue id of a root cause found in the incident.',
  })
  rootCause?: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'Every label given must match exactly.' })
  labels?: Record<string, string> | null;

  @Field(() => Date, { nullable: true, description: 'Occurred at or after.' })
  occurredFrom?: Date | null;

  @Field(() => Date, { nullable: true, description: 'Occurred before.' })
  occurredTo?: Date | null;

  @Field(() => String, {
    nullable: true,
    description: 'Case-insensitive match on title and description.',
  })
  text?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'Every word must start a word of the title or description ("conn reset" finds "connection reset"); index-backed.',
  })
  search?: string | null;
}
