import { Field, Float, Int, ObjectType } from '@nestjs/graphql';
import { JSONScalar } from '../../../graphql/scalars/json.scalar.js';
import { SimulatedPacket } from './simulated-packet.model.js';

@ObjectType({ description: 'A change of a conntrack entry (or socket timer) the simulator saw.' })
export class ConntrackTimelineEvent {
  @Field(() => String)
  time!: string;

  @Field(() => Float)
  timeUs!: number;

  @Field(() => String, {
    description: 'created, updated, expired, destroyed, renatted, seeded, flushed…',
  })
  kind!: string;

  @Field(() => Int, { nullable: true })
  entryId!: number | null;

  @Field(() => String, { nullable: true, description: 'State before.' })
  from!: string | null;

  @Field(() => String, { nullable: true, description: 'State after.' })
  to!: string | null;

  @Field(() => String, { nullable: true, description: 'The timer that ran out.' })
  timer!: string | null;

  @Field(() => String, { nullable: true, description: 'The original tuple: "A > B".' })
  tuple!: string | null;

  @Field(() => Int, { nullable: true, description: 'The packet that caused it.' })
  packetIndex!: number | null;

  @Field(() => String, { nullable: true })
  packetCapture!: string | null;

  @Field(() => String)
  note!: string;
}

@ObjectType({
  description: 'The packets of one flow (and its NAT twin) as the simulator saw them.',
})
export class FlowTrace {
  @Field(() => Boolean, { description: 'False when the analysis has no stored simulation.' })
  available!: boolean;

  @Field(() => JSONScalar, {
    description:
      'SimulatedPacket objects (null fields left out) in time order, at most `limit`. JSON, not a list type: a flow has thousands of packets, and one scalar serialises in a fraction of the time field-by-field resolution takes.',
  })
  packets!: Partial<SimulatedPacket>[];

  @Field(() => Int, { description: 'Packets of the flow, including those beyond the limit.' })
  totalPackets!: number;

  @Field(() => [ConntrackTimelineEvent], { description: "The flow's conntrack entry changes." })
  events!: ConntrackTimelineEvent[];
}

@ObjectType({ description: 'Packets of one capture around a packet number.' })
export class CapturePacketWindow {
  @Field(() => Boolean, { description: 'False when the analysis has no stored simulation.' })
  available!: boolean;

  @Field(() => [SimulatedPacket], { description: 'Packet number order.' })
  packets!: SimulatedPacket[];
}
