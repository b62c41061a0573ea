import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { ArtifactStatus } from '../../../graphql/enums.js';

@ObjectType({ description: 'One file found in a bundle, with the kind detected from its content.' })
export class Artifact {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: 'Path inside the bundle.' })
  path!: string;

  @Field(() => String, {
    description: 'Detected kind: pcap, ss, conntrack-events, ... or unknown.',
  })
  kind!: string;

  @Field(() => ArtifactStatus)
  status!: ArtifactStatus;

  @Field(() => Float)
  sizeBytes!: number;

  @Field(() => String)
  sha256!: string;

  @Field(() => String, { nullable: true })
  error!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Where the error is: path:line or path#packet N.',
  })
  errorLocator!: string | null;
}
