import 'reflect-metadata';

import { type Server } from 'node:http';

import { NestFactory } from '@nestjs/core';

import { ConfigError } from '@seedship/config';
import { createLogger } from '@seedship/logging';

import { AppModule } from './app/app.module';
import { ShippingTrackerExceptionFilter } from './app/common/shipping-tracker-exception.filter';
import { parseShippingTrackerConfig } from './app/config/shipping-tracker-env';

async function bootstrap(): Promise<void> {
  const logger = createLogger('shipping-tracker');
  let config;
  try {
    config = parseShippingTrackerConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.exit(78);
    }
    throw error;
  }
  const app = await NestFactory.create(AppModule.forRoot(config, logger), { logger: false, bodyParser: true });
  app.useGlobalFilters(new ShippingTrackerExceptionFilter(logger));
  app.enableShutdownHooks();
  await app.listen(config.PORT, '0.0.0.0');
  const address = (app.getHttpServer() as Server).address();
  logger.info({ address }, 'shipping-tracker listening');
}

bootstrap().catch((error: unknown) => {
  createLogger('shipping-tracker').fatal({ err: error }, 'shipping-tracker failed to start');
  process.exit(1);
});
