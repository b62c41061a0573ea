import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import { AnalysisStatus } from '../../../graphql/enums.js';

@ObjectType({ description: 'What one stage of an analysis did.' })
export class AnalysisStageRecord {
  @Field(() => String, { description: 'unpack, detect, parse, simulate, match or persist.' })
  name!: string;

  @Field(() => String, {
    description: 'running, done, unavailable (capability not built yet) or failed.',
  })
  state!: string;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Int, { nullable: true })
  durationMs!: number | null;

  @Field(() => String, { nullable: true })
  note!: string | null;
}

@ObjectType({ description: 'One run of the pipeline over a bundle.' })
export class Analysis {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  bundleId!: string;

  @Field(() => AnalysisStatus)
  status!: AnalysisStatus;

  @Field(() => String, { nullable: true, description: 'The stage running now, while RUNNING.' })
  stage!: string | null;

  @Field(() => Int, { description: '0 to 100.' })
  progress!: number;

  @Field(() => [AnalysisStageRecord])
  stages!: AnalysisStageRecord[];

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, { nullable: true })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  catalogueVersion!: string | null;

  @Field(() => Int, {
    description: 'Times the pipeline started over (retries, recovered workers).',
  })
  attempts!: number;

  @Field(() => Date)
  queuedAt!: Date;

  @Field(() => Date, { nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  finishedAt!: Date | null;
}

@ObjectType({ description: 'A live update of an analysis.' })
export class AnalysisProgress {
  @Field(() => ID)
  analysisId!: string;

  @Field(() => AnalysisStatus)
  status!: AnalysisStatus;

  @Field(() => String, { nullable: true })
  stage!: string | null;

  @Field(() => Int)
  progress!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;
}
