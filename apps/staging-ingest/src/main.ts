import 'reflect-metadata';

import { runNestService } from '@seedship/nest-service';

import { AppModule } from './app/app.module';
import { StagingIngestExceptionFilter } from './app/common/staging-ingest-exception.filter';
import { parseStagingIngestConfig } from './app/config/staging-ingest-env';

runNestService({
  name: 'staging-ingest',
  parseConfig: () => parseStagingIngestConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
  filters: (logger) => [new StagingIngestExceptionFilter(logger)],
});
