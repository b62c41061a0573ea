import {
  Controller,
  Get,
  HttpStatus,
  Inject,
  Param,
  ParseUUIDPipe,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import type { Response } from 'express';
import type { Actor } from '../../common/auth/actor.js';
import { CurrentActor, RequestId } from '../../common/auth/current-actor.decorator.js';
import type { AppRequest } from '../../common/auth/request-context.js';
import { API_CONFIG, type ApiEnv } from '../../config/api-config.js';
import { BundleService } from './bundle.service.js';
import { receiveMultipartFile } from './multipart-file.reader.js';

/**
 * Bundles travel over plain HTTP (multipart in, a byte stream out) rather than GraphQL, so
 * gigabyte uploads stream straight to storage and GraphQL requests stay small.
 */
@Controller('api')
export class BundleController {
  constructor(
    private readonly bundles: BundleService,
    @Inject(API_CONFIG) private readonly config: ApiEnv,
  ) {}

  @Post('incidents/:incidentId/bundles')
  async upload(
    @CurrentActor() actor: Actor,
    @RequestId() requestId: string,
    @Param('incidentId', new ParseUUIDPipe()) incidentId: string,
    @Req() request: AppRequest,
    @Res({ passthrough: true }) response: Response,
  ): Promise<Record<string, unknown>> {
    await this.bundles.assertIncidentInTeam(actor, incidentId);
    const { filename, result: stored } = await receiveMultipartFile(request, 'file', (stream) =>
      this.bundles.storeUpload(stream, this.config.BUNDLE_MAX_BYTES),
    );
    const outcome = await this.bundles.register(actor, incidentId, stored, filename, requestId);
    response.status(outcome.duplicate ? HttpStatus.OK : HttpStatus.CREATED);
    return {
      bundleId: outcome.bundleId,
      analysisId: outcome.analysisId,
      sha256: stored.sha256,
      sizeBytes: stored.sizeBytes,
      duplicate: outcome.duplicate,
      sameContentIn: outcome.sameContentIn,
    };
  }

  @Get('bundles/:bundleId/download')
  async download(
    @CurrentActor() actor: Actor,
    @Param('bundleId', new ParseUUIDPipe()) bundleId: string,
    @Res() response: Response,
  ): Promise<void> {
    const { bundle, stream } = await this.bundles.openDownload(actor, bundleId);
    response.setHeader('Content-Type', 'application/octet-stream');
    response.setHeader('Content-Length', String(bundle.sizeBytes));
    response.setHeader(
      'Content-Disposition',
      `attachment; filename="${bundle.originalName.replace(/["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(bundle.originalName)}`,
    );
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }
}
