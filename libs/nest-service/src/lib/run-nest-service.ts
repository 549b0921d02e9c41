import { type Server } from 'node:http';

import { type DynamicModule, type ExceptionFilter } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { ConfigError } from '@seedship/config';
import { createLogger, type Logger } from '@seedship/logging';

export interface NestServiceOptions<C extends { readonly PORT: number }> {
  /** The service's name: its logger, and the "<name> listening" line tests and operators look for. */
  readonly name: string;
  /** Reads and validates the environment; a ConfigError names the bad variable. */
  readonly parseConfig: () => C;
  readonly module: (config: C, logger: Logger) => DynamicModule;
  readonly filters?: (logger: Logger) => ExceptionFilter[];
  /** Extra fields for the "listening" line. */
  readonly describe?: (config: C) => Record<string, unknown>;
}

/** Exit code for a configuration error (EX_CONFIG), so an orchestrator can tell it from a crash. */
const EXIT_CONFIG = 78;

/**
 * Boots a Seedship HTTP service the same way everywhere: configuration checked first (a bad variable
 * exits 78 with a message naming it), JSON logs only, graceful shutdown on SIGTERM, and one
 * "<name> listening" line with the address once it accepts requests.
 */
export function runNestService<C extends { readonly PORT: number }>(options: NestServiceOptions<C>): void {
  const logger = createLogger(options.name);
  const start = async (): Promise<void> => {
    const config = options.parseConfig();
    const app = await NestFactory.create(options.module(config, logger), { logger: false });
    const filters = options.filters?.(logger) ?? [];
    if (filters.length > 0) app.useGlobalFilters(...filters);
    app.enableShutdownHooks();
    await app.listen(config.PORT, '0.0.0.0');
    const address = (app.getHttpServer() as Server).address();
    logger.info({ address, ...options.describe?.(config) }, `${options.name} listening`);
  };
  start().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      logger.fatal(error.message);
      process.exit(EXIT_CONFIG);
    }
    logger.fatal({ err: error }, `${options.name} failed to start`);
    process.exit(1);
  });
}
