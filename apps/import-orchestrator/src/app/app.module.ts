import { type DynamicModule, Global, Module } from '@nestjs/common';

import { DatabaseModule, PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { HealthModule } from '@seedship/health';
import { type Logger } from '@seedship/logging';
import { MessagingModule } from '@seedship/messaging';

import { ImportJobsController } from './api/import-jobs.controller';
import { AzureAccess } from './azure/azure-access';
import { AZURE_ACCESS, REQUEST_BUDGET } from './azure/azure.tokens';
import { RequestBudget } from './azure/request-budget';
import { CRASH_SWITCH } from './common/crash.tokens';
import { CrashSwitch } from './common/crash-switch';
import { ORCHESTRATOR_LOGGER } from './common/logger.provider';
import { IMPORT_ORCHESTRATOR_CONFIG, type ImportOrchestratorConfig } from './config/import-orchestrator-env';
import { OrchestratorEventsHandler } from './events/orchestrator-events.handler';
import { IncrementalService } from './incremental/incremental.service';
import { Reconciler } from './reconciler/reconciler';
import { ImportSteps } from './steps/import-steps';
import { IMPORT_STEPS } from './steps/steps.tokens';

@Global()
@Module({})
class ImportOrchestratorCoreModule {
  static forRoot(config: ImportOrchestratorConfig, logger: Logger): DynamicModule {
    return {
      module: ImportOrchestratorCoreModule,
      providers: [
        { provide: AZURE_ACCESS, useFactory: () => new AzureAccess(config) },
        { provide: CRASH_SWITCH, useFactory: () => new CrashSwitch(config.ORCHESTRATOR_CRASH_AT, logger) },
        { provide: IMPORT_ORCHESTRATOR_CONFIG, useValue: config },
        { provide: ORCHESTRATOR_LOGGER, useValue: logger },
        { provide: REQUEST_BUDGET, useFactory: () => new RequestBudget(config.POLL_BUDGET_PER_MINUTE) },
        {
          provide: IMPORT_STEPS,
          inject: [PRISMA_CLIENT, AZURE_ACCESS, REQUEST_BUDGET, CRASH_SWITCH],
          useFactory: (prisma: PrismaClient, azure: AzureAccess, budget: RequestBudget, crash: CrashSwitch) =>
            new ImportSteps(prisma, azure, budget, config, crash, logger),
        },
      ],
      exports: [AZURE_ACCESS, CRASH_SWITCH, IMPORT_ORCHESTRATOR_CONFIG, IMPORT_STEPS, ORCHESTRATOR_LOGGER, REQUEST_BUDGET],
    };
  }
}

@Module({
  controllers: [ImportJobsController],
  providers: [IncrementalService, OrchestratorEventsHandler, Reconciler],
})
class OrchestrationModule {}

@Module({})
export class AppModule {
  static forRoot(config: ImportOrchestratorConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot({ url: config.DATABASE_URL }),
        ImportOrchestratorCoreModule.forRoot(config, logger),
        HealthModule,
        MessagingModule.forRoot({
          serviceName: 'import-orchestrator',
          servers: config.NATS_URL,
          logger,
          ...(config.NATS_NAMESPACE ? { namespace: config.NATS_NAMESPACE } : {}),
        }),
        OrchestrationModule,
      ],
    };
  }
}
