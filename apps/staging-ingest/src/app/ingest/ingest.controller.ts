import { type IncomingMessage } from 'node:http';

import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Req } from '@nestjs/common';

import { actorFrom, parseBody } from '../common/parse-body';
import { StagingIngestErrorCode, StagingIngestException } from '../common/staging-ingest.exception';
import { startPathIngestSchema } from './dtos/start-path-ingest.dto';
import { IngestService, type IngestView } from './ingest.service';

@Controller('seeding-jobs/:id')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  /** Starts ingesting a directory of a mounted share; answers at once (202), progress at GET .../ingest. */
  @Post('ingest')
  @HttpCode(202)
  startPath(@Param('id') id: string, @Body() body: unknown, @Headers('x-seedship-user') user: string | undefined): Promise<IngestView> {
    return this.ingest.startPathIngest(id, parseBody(startPathIngestSchema, body).sourcePath, actorFrom(user));
  }

  /** Ingests the request body, a tar archive; answers when the snapshot is sealed. */
  @Put('ingest/tar')
  @HttpCode(200)
  uploadTar(@Param('id') id: string, @Req() request: IncomingMessage, @Headers('x-seedship-user') user: string | undefined): Promise<IngestView> {
    const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim();
    if (type !== 'application/x-tar') {
      request.resume();
      throw new StagingIngestException(
        StagingIngestErrorCode.UNSUPPORTED_MEDIA_TYPE,
        `Send the archive as Content-Type: application/x-tar (got '${type ?? ''}'). Compressed archives are not accepted: the staging repository compresses.`,
      );
    }
    const length = request.headers['content-length'];
    return this.ingest.ingestTarUpload(id, request, length === undefined ? undefined : Number(length), actorFrom(user));
  }

  @Post('ingest/resume')
  @HttpCode(202)
  resume(@Param('id') id: string): Promise<IngestView> {
    return this.ingest.resume(id);
  }

  @Get('ingest')
  progress(@Param('id') id: string): Promise<IngestView> {
    return this.ingest.view(id);
  }

  @Get('ingest/report')
  async report(@Param('id') id: string): Promise<{ issues: Awaited<ReturnType<IngestService['report']>> }> {
    return { issues: await this.ingest.report(id) };
  }

  @Get('staged-blobs')
  async stagedBlobs(@Param('id') id: string): Promise<{ blobs: Awaited<ReturnType<IngestService['stagedBlobs']>> }> {
    return { blobs: await this.ingest.stagedBlobs(id) };
  }
}
