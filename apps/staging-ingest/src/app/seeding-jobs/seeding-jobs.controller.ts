import { Body, Controller, Get, Headers, HttpCode, Param, Post } from '@nestjs/common';

import { actorFrom, parseBody } from '../common/parse-body';
import { createSeedingJobSchema } from './dtos/create-seeding-job.dto';
import { SeedingJobsService, type SeedingJobView } from './seeding-jobs.service';

@Controller('seeding-jobs')
export class SeedingJobsController {
  constructor(private readonly jobs: SeedingJobsService) {}

  @Post()
  @HttpCode(201)
  create(@Body() body: unknown, @Headers('x-seedship-user') user: string | undefined): Promise<SeedingJobView> {
    return this.jobs.create(parseBody(createSeedingJobSchema, body), actorFrom(user));
  }

  @Get(':id')
  get(@Param('id') id: string): Promise<SeedingJobView> {
    return this.jobs.get(id);
  }
}
