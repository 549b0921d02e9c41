import 'reflect-metadata';

import { runNestService } from '@seedship/nest-service';

import { AppModule } from './app/app.module';
import { ShippingTrackerExceptionFilter } from './app/common/shipping-tracker-exception.filter';
import { parseShippingTrackerConfig } from './app/config/shipping-tracker-env';

runNestService({
  name: 'shipping-tracker',
  parseConfig: () => parseShippingTrackerConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger),
  filters: (logger) => [new ShippingTrackerExceptionFilter(logger)],
});
