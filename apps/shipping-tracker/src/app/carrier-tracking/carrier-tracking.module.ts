import { type DynamicModule, Module, type Provider } from '@nestjs/common';

import { CLOCK, type Clock } from '../clock/clock';
import { type ShippingTrackerConfig } from '../config/shipping-tracker-env';
import { CARRIER_TRACKING } from './carrier-tracking';
import { CarrierStatusPoller } from './carrier-status-poller';
import { SimulatedCarrierTracking } from './simulated-carrier-tracking';

/** Chooses the CarrierTracking by CARRIER_TRACKING; a real carrier's client is added here as another case. */
@Module({})
export class CarrierTrackingModule {
  static forRoot(config: ShippingTrackerConfig): DynamicModule {
    const providers: Provider[] = [CarrierStatusPoller];
    switch (config.CARRIER_TRACKING) {
      case 'simulated':
        providers.push({ provide: CARRIER_TRACKING, inject: [CLOCK], useFactory: (clock: Clock) => new SimulatedCarrierTracking(clock, config.SIMULATED_CARRIER_TRANSIT_DAYS) });
        break;
      case 'none':
        break;
    }
    return { module: CarrierTrackingModule, providers, exports: [CarrierStatusPoller] };
  }
}
