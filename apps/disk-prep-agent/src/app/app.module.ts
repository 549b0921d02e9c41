import { type DynamicModule, Global, Module } from '@nestjs/common';

import { DatabaseModule } from '@seedship/db';
import { HealthModule } from '@seedship/health';
import { type Logger } from '@seedship/logging';
import { MessagingModule } from '@seedship/messaging';

import { DiskPrepAgentService } from './agent/disk-prep-agent.service';
import { DISK_PREP_CONFIG, DISK_PREP_LOGGER, type DiskPrepAgentConfig } from './config/disk-prep-agent-env';
import { DriveStore } from './drives/drive-store';
import { DriveFiller } from './fill/drive-filler';
import { KubernetesService } from './kubernetes/kubernetes.service';
import { AgentMetrics } from './metrics/agent-metrics';
import { MetricsController } from './metrics/metrics.controller';

@Global()
@Module({})
class DiskPrepCoreModule {
  static forRoot(config: DiskPrepAgentConfig, logger: Logger): DynamicModule {
    return {
      module: DiskPrepCoreModule,
      providers: [
        { provide: DISK_PREP_CONFIG, useValue: config },
        { provide: DISK_PREP_LOGGER, useValue: logger },
      ],
      exports: [DISK_PREP_CONFIG, DISK_PREP_LOGGER],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: DiskPrepAgentConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot({ url: config.DATABASE_URL }),
        DiskPrepCoreModule.forRoot(config, logger),
        HealthModule,
        MessagingModule.forRoot({
          serviceName: 'disk-prep-agent',
          servers: config.NATS_URL,
          logger,
          ...(config.NATS_NAMESPACE ? { namespace: config.NATS_NAMESPACE } : {}),
        }),
      ],
      controllers: [MetricsController],
      providers: [AgentMetrics, DiskPrepAgentService, DriveFiller, DriveStore, KubernetesService],
    };
  }
}
