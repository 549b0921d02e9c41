import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post } from '@nestjs/common';

import { actorFrom, parseBody } from '../common/parse-body';
import { STAGING_INGEST_CONFIG, type StagingIngestConfig } from '../config/staging-ingest-env';
import { seedingJobSchemaFor } from './dtos/create-seeding-job.dto';
import { SeedingJobsService, type SeedingJobView } from './seeding-jobs.service';

@Controller('seeding-jobs')
export class SeedingJobsController {
  private readonly createSchema: ReturnType<typeof seedingJobSchemaFor>;

  constructor(
    private readonly jobs: SeedingJobsService,
    @Inject(STAGING_INGEST_CONFIG) config: StagingIngestConfig,
  ) {
    this.createSchema = seedingJobSchemaFor(config.DEFAULT_IMPORT_PROVIDER);
  }

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @Headers('x-seedship-user') user: string | undefined): Promise<SeedingJobView> {
    return this.jobs.create(parseBody(this.createSchema, body), actorFrom(user));
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<SeedingJobView> {
    return this.jobs.get(id);
  }
}
