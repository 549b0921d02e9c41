import 'reflect-metadata';

import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

import { ConfigError } from '@seedship/config';
import { type Logger, createLogger } from '@seedship/logging';

import { AppModule } from './app/app.module';
import { OpsConsoleExceptionFilter } from './app/common/ops-console-exception.filter';
import { type OpsConsoleConfig, parseOpsConsoleConfig } from './app/config/ops-console-env';

interface HtmlRequest {
  method: string;
  path: string;
}
interface HtmlResponse {
  sendFile(path: string): void;
}

async function bootstrap(): Promise<void> {
  const logger = createLogger('ops-console');
  let config: OpsConsoleConfig;
  try {
    config = parseOpsConsoleConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.exit(78);
    }
    throw error;
  }
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config, logger), { logger: false });
  app.useGlobalFilters(new OpsConsoleExceptionFilter(logger));
  app.enableShutdownHooks();
  app.disable('x-powered-by');

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Seedship ops console API')
      .setDescription('Fleet-wide seeding progress and the operator actions. Also what the `seedship` CLI calls.')
      .setVersion('1')
      .addBearerAuth()
      .addCookieAuth('seedship_session')
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/openapi.json' });

  serveWebUi(app, resolve(config.WEB_ROOT), logger);
  await app.listen(config.PORT, '0.0.0.0');
  const address = app.getHttpServer().address();
  logger.info({ address }, 'ops-console listening');
}

/** The built React UI: its files, and index.html for every page path so deep links work. */
function serveWebUi(app: NestExpressApplication, root: string, logger: Logger): void {
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    logger.warn({ root }, 'No built web UI here (run the build-web target); serving the API only');
    return;
  }
  app.useStaticAssets(root, { index: false, maxAge: '1h' });
  app.use((request: HtmlRequest, response: HtmlResponse, next: () => void) => {
    if (request.method === 'GET' && !request.path.startsWith('/api') && !request.path.startsWith('/health/')) {
      response.sendFile(index);
      return;
    }
    next();
  });
}

bootstrap().catch((error: unknown) => {
  createLogger('ops-console').fatal({ err: error }, 'ops-console failed to start');
  process.exit(1);
});
