import 'reflect-metadata';

import { type Server } from 'node:http';

import { NestFactory } from '@nestjs/core';

import { ConfigError } from '@seedship/config';
import { createLogger } from '@seedship/logging';

import { AppModule } from './app/app.module';
import { StagingIngestExceptionFilter } from './app/common/staging-ingest-exception.filter';
import { parseStagingIngestConfig } from './app/config/staging-ingest-env';

async function bootstrap(): Promise<void> {
  const logger = createLogger('staging-ingest');
  let config;
  try {
    config = parseStagingIngestConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.exit(78);
    }
    throw error;
  }
  const app = await NestFactory.create(AppModule.forRoot(config, logger), { logger: false, bodyParser: true });
  app.useGlobalFilters(new StagingIngestExceptionFilter(logger));
  app.enableShutdownHooks();
  await app.listen(config.PORT, '0.0.0.0');
  const address = (app.getHttpServer() as Server).address();
  logger.info({ address }, 'staging-ingest listening');
}

bootstrap().catch((error: unknown) => {
  createLogger('staging-ingest').fatal({ err: error }, 'staging-ingest failed to start');
  process.exit(1);
});
