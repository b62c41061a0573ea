import { Field, ID, ObjectType } from '@nestjs/graphql';
import { TeamRole } from '../../../graphql/enums.js';

@ObjectType({ description: 'A person in the team.' })
export class TeamMember {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  email!: string;

  @Field(() => String)
  name!: string;

  @Field(() => TeamRole)
  role!: TeamRole;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true, description: 'Shown to team admins only.' })
  lastLoginAt!: Date | null;

  @Field(() => Date, {
    nullable: true,
    description: 'Set for people who can no longer sign in (listed to admins only).',
  })
  disabledAt!: Date | null;
}
