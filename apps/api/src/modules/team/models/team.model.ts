import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A group that shares incidents, tokens and its own root causes.' })
export class Team {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;
}
