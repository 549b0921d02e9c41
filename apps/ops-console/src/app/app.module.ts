import { type DynamicModule, Global, Module } from '@nestjs/common';

import { DatabaseModule } from '@seedship/db';
import { HealthModule } from '@seedship/health';
import { type Logger } from '@seedship/logging';
import { MessagingModule } from '@seedship/messaging';

import { ActionsModule } from './actions/actions.module';
import { AuthModule } from './auth/auth.module';
import { OPS_CONSOLE_CONFIG, OPS_CONSOLE_LOGGER, type OpsConsoleConfig } from './config/ops-console-env';
import { FleetModule } from './fleet/fleet.module';
import { LiveModule } from './live/live.module';

@Global()
@Module({})
class OpsConsoleCoreModule {
  static forRoot(config: OpsConsoleConfig, logger: Logger): DynamicModule {
    return {
      module: OpsConsoleCoreModule,
      providers: [
        { provide: OPS_CONSOLE_CONFIG, useValue: config },
        { provide: OPS_CONSOLE_LOGGER, useValue: logger },
      ],
      exports: [OPS_CONSOLE_CONFIG, OPS_CONSOLE_LOGGER],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: OpsConsoleConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ActionsModule,
        AuthModule,
        DatabaseModule.forRoot({ url: config.DATABASE_URL }),
        FleetModule,
        HealthModule,
        LiveModule,
        MessagingModule.forRoot({
          serviceName: 'ops-console',
          servers: config.NATS_URL,
          logger,
          ...(config.NATS_NAMESPACE ? { namespace: config.NATS_NAMESPACE } : {}),
        }),
        OpsConsoleCoreModule.forRoot(config, logger),
      ],
    };
  }
}
