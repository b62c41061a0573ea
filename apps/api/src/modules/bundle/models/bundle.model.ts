import { Field, Float, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'An uploaded diagnostics bundle (archive or single file).' })
export class Bundle {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  incidentId!: string;

  @Field(() => String)
  sha256!: string;

  @Field(() => Float)
  sizeBytes!: number;

  @Field(() => String)
  originalName!: string;

  @Field(() => String, { nullable: true })
  uploadedBy!: string | null;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => String, { description: 'Where to GET the original bytes (same authentication).' })
  downloadPath!: string;
}
