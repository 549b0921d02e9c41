import { type DynamicModule, Global, Module } from '@nestjs/common';

import { DatabaseModule } from '@seedship/db';
import { HealthModule } from '@seedship/health';
import { type Logger } from '@seedship/logging';
import { MessagingModule } from '@seedship/messaging';

import { STAGING_INGEST_LOGGER } from './common/logger.provider';
import { STAGING_INGEST_CONFIG, type StagingIngestConfig } from './config/staging-ingest-env';
import { IngestModule } from './ingest/ingest.module';
import { SeedingJobsModule } from './seeding-jobs/seeding-jobs.module';

@Global()
@Module({})
class StagingIngestCoreModule {
  static forRoot(config: StagingIngestConfig, logger: Logger): DynamicModule {
    return {
      module: StagingIngestCoreModule,
      providers: [
        { provide: STAGING_INGEST_CONFIG, useValue: config },
        { provide: STAGING_INGEST_LOGGER, useValue: logger },
      ],
      exports: [STAGING_INGEST_CONFIG, STAGING_INGEST_LOGGER],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: StagingIngestConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        DatabaseModule.forRoot({ url: config.DATABASE_URL }),
        HealthModule,
        IngestModule,
        MessagingModule.forRoot({
          serviceName: 'staging-ingest',
          servers: config.NATS_URL,
          logger,
          ...(config.NATS_NAMESPACE ? { namespace: config.NATS_NAMESPACE } : {}),
        }),
        SeedingJobsModule,
        StagingIngestCoreModule.forRoot(config, logger),
      ],
    };
  }
}
