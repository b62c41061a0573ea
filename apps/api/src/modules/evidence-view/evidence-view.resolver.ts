import { Args, ID, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { z } from 'zod';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor } from '../../common/auth/current-actor.decorator.js';
import { SchemaPipe } from '../../common/http/schema.pipe.js';
import { Analysis } from '../analysis/models/analysis.model.js';
import { EvidenceViewService } from './evidence-view.service.js';
import { ArtifactTextWindow } from './models/artifact-text.model.js';
import { CapturePacketWindow, FlowTrace } from './models/flow-trace.model.js';

const endpointSchema = z.string().min(3).max(64);
const pathSchema = z.string().min(1).max(1024);
const positiveSchema = z.number().int().min(1);
const packetRadiusSchema = z.number().int().min(0).max(2000);
const limitSchema = z.number().int().min(1).max(50_000);

@Resolver(() => Analysis)
export class FlowTraceResolver {
  constructor(private readonly view: EvidenceViewService) {}

  @ResolveField(() => FlowTrace, {
    description:
      "One flow's packets (both directions and its NAT-translated twin) with the simulator's verdicts, and its conntrack entries' changes, from the stored simulation.",
  })
  flowTrace(
    @CurrentActor() actor: Actor,
    @Parent() analysis: Analysis,
    @Args('client', { type: () => String }, new SchemaPipe(endpointSchema, 'client'))
    client: string,
    @Args('server', { type: () => String }, new SchemaPipe(endpointSchema, 'server'))
    server: string,
    @Args(
      'backend',
      { type: () => String, nullable: true },
      new SchemaPipe(endpointSchema.nullish(), 'backend'),
    )
    backend: string | null | undefined,
    @Args('limit', { type: () => Int, defaultValue: 20_000 }, new SchemaPipe(limitSchema, 'limit'))
    limit: number,
  ): Promise<FlowTrace> {
    return this.view.flowTrace(
      actor,
      analysis.id,
      backend ? { client, server, backend } : { client, server },
      limit,
    );
  }

  @ResolveField(() => CapturePacketWindow, {
    description: "Packets of one capture around a packet number, with the simulator's verdicts.",
  })
  capturePackets(
    @CurrentActor() actor: Actor,
    @Parent() analysis: Analysis,
    @Args('capture', { type: () => String }, new SchemaPipe(pathSchema, 'capture')) capture: string,
    @Args('packet', { type: () => Int }, new SchemaPipe(positiveSchema, 'packet')) packet: number,
    @Args(
      'radius',
      { type: () => Int, defaultValue: 500 },
      new SchemaPipe(packetRadiusSchema, 'radius'),
    )
    radius: number,
  ): Promise<CapturePacketWindow> {
    return this.view.capturePackets(
      actor,
      analysis.id,
      capture,
      Math.max(1, packet - radius),
      packet + radius,
    );
  }
}

@Resolver(() => ArtifactTextWindow)
export class ArtifactTextResolver {
  constructor(private readonly view: EvidenceViewService) {}

  @Query(() => ArtifactTextWindow, {
    description: 'Lines of a text artifact around one line, read only as far as needed.',
  })
  artifactText(
    @CurrentActor() actor: Actor,
    @Args('bundleId', { type: () => ID }) bundleId: string,
    @Args('path', { type: () => String }, new SchemaPipe(pathSchema, 'path')) path: string,
    @Args('line', { type: () => Int }, new SchemaPipe(positiveSchema, 'line')) line: number,
    @Args(
      'radius',
      { type: () => Int, defaultValue: 40 },
      new SchemaPipe(z.number().int().min(0).max(200), 'radius'),
    )
    radius: number,
  ): Promise<ArtifactTextWindow> {
    return this.view.artifactText(actor, bundleId, path, Math.max(1, line - radius), line + radius);
  }
}
