import 'reflect-metadata';

import { type Server } from 'node:http';

import { NestFactory } from '@nestjs/core';

import { ConfigError } from '@seedship/config';
import { createLogger } from '@seedship/logging';

import { AppModule } from './app/app.module';
import { parseDiskPrepAgentConfig } from './app/config/disk-prep-agent-env';

async function bootstrap(): Promise<void> {
  const logger = createLogger('disk-prep-agent');
  let config;
  try {
    config = parseDiskPrepAgentConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.exit(78);
    }
    throw error;
  }
  const app = await NestFactory.create(AppModule.forRoot(config, logger.child({ node: config.NODE_NAME })), { logger: false });
  app.enableShutdownHooks();
  await app.listen(config.PORT, '0.0.0.0');
  const address = (app.getHttpServer() as Server).address();
  logger.info({ address, node: config.NODE_NAME }, 'disk-prep-agent listening');
}

bootstrap().catch((error: unknown) => {
  createLogger('disk-prep-agent').fatal({ err: error }, 'disk-prep-agent failed to start');
  process.exit(1);
});
