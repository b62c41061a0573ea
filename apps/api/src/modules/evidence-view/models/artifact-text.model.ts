import { Field, Int, ObjectType } from '@nestjs/graphql';

@ObjectType()
export class ArtifactLine {
  @Field(() => Int, { description: '1-based.' })
  number!: number;

  @Field(() => String, { description: 'Cut to 2000 characters.' })
  text!: string;
}

@ObjectType({ description: 'A window of lines of a text artifact.' })
export class ArtifactTextWindow {
  @Field(() => String)
  path!: string;

  @Field(() => [ArtifactLine])
  lines!: ArtifactLine[];

  @Field(() => Boolean, { description: 'The artifact ends inside the window.' })
  endOfFile!: boolean;
}
