import { Field, ID, ObjectType } from '@nestjs/graphql';
import { TeamRole } from '../../../graphql/enums.js';

@ObjectType({ description: 'An API token; its secret is never shown again after creation.' })
export class ApiToken {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: 'First characters of the secret, to tell tokens apart.' })
  prefix!: string;

  @Field(() => TeamRole)
  role!: TeamRole;

  @Field(() => Date)
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;
}

@ObjectType()
export class CreatedApiToken {
  @Field(() => ApiToken)
  token!: ApiToken;

  @Field(() => String, {
    description: 'The secret to send as "Authorization: Bearer <secret>". Shown once.',
  })
  secret!: string;
}
