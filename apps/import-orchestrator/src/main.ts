import 'reflect-metadata';

import { type Server } from 'node:http';

import { NestFactory } from '@nestjs/core';

import { ConfigError } from '@seedship/config';
import { createLogger } from '@seedship/logging';

import { AppModule } from './app/app.module';
import { ImportOrchestratorExceptionFilter } from './app/common/import-orchestrator-exception.filter';
import { parseImportOrchestratorConfig } from './app/config/import-orchestrator-env';

async function bootstrap(): Promise<void> {
  const logger = createLogger('import-orchestrator');
  let config;
  try {
    config = parseImportOrchestratorConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.exit(78);
    }
    throw error;
  }
  const app = await NestFactory.create(AppModule.forRoot(config, logger), { logger: false, bodyParser: true });
  app.useGlobalFilters(new ImportOrchestratorExceptionFilter(logger));
  app.enableShutdownHooks();
  await app.listen(config.PORT, '0.0.0.0');
  const address = (app.getHttpServer() as Server).address();
  logger.info({ address }, 'import-orchestrator listening');
}

bootstrap().catch((error: unknown) => {
  const logger = createLogger('import-orchestrator');
  if (error instanceof ConfigError) {
    logger.fatal(error.message);
    process.exit(78);
  }
  logger.fatal({ err: error }, 'import-orchestrator failed to start');
  process.exit(1);
});
