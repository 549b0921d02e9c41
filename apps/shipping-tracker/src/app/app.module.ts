import { type DynamicModule, Global, Module } from '@nestjs/common';

import { DatabaseModule } from '@seedship/db';
import { HealthModule } from '@seedship/health';
import { type Logger } from '@seedship/logging';
import { MessagingModule } from '@seedship/messaging';

import { CarrierTrackingModule } from './carrier-tracking/carrier-tracking.module';
import { CLOCK, type Clock, SystemClock } from './clock/clock';
import { SHIPPING_TRACKER_LOGGER } from './common/logger.provider';
import { SHIPPING_TRACKER_CONFIG, type ShippingTrackerConfig } from './config/shipping-tracker-env';
import { DeadlinesModule } from './deadlines/deadlines.module';
import { ShipmentsModule } from './shipments/shipments.module';

export interface AppModuleOptions {
  /** The service's time; tests pass a SimulatedClock. Default: the system clock. */
  readonly clock?: Clock;
}

@Global()
@Module({})
class ShippingTrackerCoreModule {
  static forRoot(config: ShippingTrackerConfig, logger: Logger, clock: Clock): DynamicModule {
    return {
      module: ShippingTrackerCoreModule,
      providers: [
        { provide: CLOCK, useValue: clock },
        { provide: SHIPPING_TRACKER_CONFIG, useValue: config },
        { provide: SHIPPING_TRACKER_LOGGER, useValue: logger },
      ],
      exports: [CLOCK, SHIPPING_TRACKER_CONFIG, SHIPPING_TRACKER_LOGGER],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: ShippingTrackerConfig, logger: Logger, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CarrierTrackingModule.forRoot(config),
        DatabaseModule.forRoot({ url: config.DATABASE_URL }),
        DeadlinesModule,
        HealthModule,
        MessagingModule.forRoot({
          serviceName: 'shipping-tracker',
          servers: config.NATS_URL,
          logger,
          ...(config.NATS_NAMESPACE ? { namespace: config.NATS_NAMESPACE } : {}),
        }),
        ShipmentsModule,
        ShippingTrackerCoreModule.forRoot(config, logger, options.clock ?? new SystemClock()),
      ],
    };
  }
}
