import { Module } from '@nestjs/common';

import { SeedingJobsController } from './seeding-jobs.controller';
import { SeedingJobsService } from './seeding-jobs.service';

@Module({
  controllers: [SeedingJobsController],
  providers: [SeedingJobsService],
})
export class SeedingJobsModule {}
