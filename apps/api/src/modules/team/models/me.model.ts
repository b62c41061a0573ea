import { Field, ID, ObjectType } from '@nestjs/graphql';
import { TeamRole } from '../../../graphql/enums.js';
import { Team } from './team.model.js';

@ObjectType({ description: 'The caller: a signed-in person or an API token.' })
export class Me {
  @Field(() => ID)
  id!: string;

  @Field(() => String, { description: '"user" or "token"' })
  kind!: string;

  @Field(() => String, { description: "A person's email, or a token's name." })
  name!: string;

  @Field(() => TeamRole)
  role!: TeamRole;

  @Field(() => Team)
  team!: Team;
}
