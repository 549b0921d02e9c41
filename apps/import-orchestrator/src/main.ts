import 'reflect-metadata';

import { runNestService } from '@seedship/nest-service';

import { AppModule } from './app/app.module';
import { ImportOrchestratorExceptionFilter } from './app/common/import-orchestrator-exception.filter';
import { parseImportOrchestratorConfig } from './app/config/import-orchestrator-env';

runNestService({
  name: 'import-orchestrator',
  parseConfig: () => parseImportOrchestratorConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
  filters: (logger) => [new ImportOrchestratorExceptionFilter(logger)],
});
