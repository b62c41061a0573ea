import { Field, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'What a root cause leaves behind in one kind of artifact.' })
export class RootCauseSignature {
  @Field(() => String, { description: 'Artifact kind, e.g. pcap, conntrack-events, sysctl.' })
  kind!: string;

  @Field(() => String, { description: 'What to look for, in words.' })
  what!: string;

  @Field(() => String, { nullable: true, description: 'An illustrative line or packet.' })
  example!: string | null;
}

@ObjectType({ description: 'Which versions of what software the cause affects.' })
export class RootCauseAffected {
  @Field(() => String)
  kernel!: string;

  @Field(() => String, { nullable: true })
  envoy!: string | null;

  @Field(() => String, { nullable: true })
  istio!: string | null;

  @Field(() => String, { nullable: true })
  clientGo!: string | null;

  @Field(() => [String])
  other!: string[];
}

@ObjectType({
  description: 'A sysctl that makes the cause possible, prevents it or sets its timing.',
})
export class RootCauseSysctl {
  @Field(() => String, { description: 'Full key, e.g. net.netfilter.nf_conntrack_tcp_be_liberal.' })
  key!: string;

  @Field(() => String, { nullable: true, description: 'Kernel default, as sysctl prints it.' })
  default!: string | null;

  @Field(() => String)
  role!: string;
}

@ObjectType({ description: 'One block of commands or configuration to apply.' })
export class RemediationStep {
  @Field(() => String, { nullable: true })
  label!: string | null;

  @Field(() => String, { description: 'shell, yaml, json or text.' })
  language!: string;

  @Field(() => String)
  code!: string;
}

@ObjectType({ description: 'A way out of the root cause, with what it costs.' })
export class RemediationOption {
  @Field(() => String, { description: 'Stable within the entry, e.g. drop-invalid.' })
  id!: string;

  @Field(() => String)
  title!: string;

  @Field(() => [RemediationStep])
  steps!: RemediationStep[];

  @Field(() => [String])
  tradeoffs!: string[];

  @Field(() => Boolean, { description: 'Whether the simulator can prove it in a what-if run.' })
  provable!: boolean;
}

@ObjectType()
export class RootCauseReference {
  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  url!: string | null;
}

@ObjectType({ description: 'One variant of a reproduction lab.' })
export class LabVariant {
  @Field(() => String)
  id!: string;

  @Field(() => String, { description: 'What differs in this variant.' })
  description!: string;

  @Field(() => String, { description: 'The command that runs it.' })
  command!: string;
}

@ObjectType({ description: 'The reproduction lab of an entry (netmortem lab run <id>).' })
export class RootCauseLab {
  @Field(() => String)
  description!: string;

  @Field(() => String, { description: 'The command that runs the first variant.' })
  command!: string;

  @Field(() => [LabVariant])
  variants!: LabVariant[];

  @Field(() => [String], { description: 'Where this machine’s kernel differs from folklore.' })
  kernelNotes!: string[];
}
