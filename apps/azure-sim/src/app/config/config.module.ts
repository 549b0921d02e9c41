import { type DynamicModule, Global, Module } from '@nestjs/common';

import { type Logger } from '@seedship/logging';

import { AZURE_SIM_CONFIG, AZURE_SIM_LOGGER, type AzureSimConfig } from './azure-sim-config';

/** Makes the validated configuration and the logger injectable everywhere in the app. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AzureSimConfig, logger: Logger): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: AZURE_SIM_CONFIG, useValue: config },
        { provide: AZURE_SIM_LOGGER, useValue: logger },
      ],
      exports: [AZURE_SIM_CONFIG, AZURE_SIM_LOGGER],
    };
  }
}
