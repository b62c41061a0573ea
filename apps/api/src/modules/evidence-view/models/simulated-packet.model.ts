import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: "One captured packet and the simulator's verdict on it." })
export class SimulatedPacket {
  @Field(() => String, { description: 'Capture artifact path.' })
  capture!: string;

  @Field(() => Int, { description: '1-based packet number in that capture.' })
  index!: number;

  @Field(() => String, { description: 'ISO time with microseconds.' })
  time!: string;

  @Field(() => Float)
  timeUs!: number;

  @Field(() => String, { description: 'in, out, forward or duplicate.' })
  path!: string;

  @Field(() => String, { description: 'E.g. "SYN,ACK 120 bytes from A to B".' })
  summary!: string;

  @Field(() => String, { nullable: true, description: 'Sender "ip:port".' })
  from!: string | null;

  @Field(() => String, { nullable: true, description: 'Receiver "ip:port".' })
  to!: string | null;

  @Field(() => String, { nullable: true, description: 'TCP flags, e.g. "SYN,ACK".' })
  flags!: string | null;

  @Field(() => String, { nullable: true })
  ctinfo!: string | null;

  @Field(() => String, { nullable: true })
  ctStateBefore!: string | null;

  @Field(() => String, { nullable: true })
  ctStateAfter!: string | null;

  @Field(() => Int, { nullable: true, description: 'The conntrack entry it belongs to.' })
  entryId!: number | null;

  @Field(() => String, { nullable: true, description: 'Why conntrack marked it INVALID.' })
  invalidReason!: string | null;

  @Field(() => Boolean)
  natApplied!: boolean;

  @Field(() => String, { nullable: true, description: 'The tuple after NAT: "A > B".' })
  natTranslated!: string | null;

  @Field(() => String, { nullable: true, description: 'Why NAT did not apply.' })
  natSkippedBecause!: string | null;

  @Field(() => String, { description: 'The filter verdict: accept, drop, reject…' })
  filterVerdict!: string;

  @Field(() => String, { nullable: true })
  filterRule!: string | null;

  @Field(() => String, { nullable: true, description: 'The local socket that received it.' })
  deliveredTo!: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'What the host answered itself: rst, challenge-ack…',
  })
  responseKind!: string | null;

  @Field(() => String, { nullable: true })
  responseFlags!: string | null;

  @Field(() => String, { nullable: true })
  responseReason!: string | null;

  @Field(() => [String])
  notes!: string[];
}
