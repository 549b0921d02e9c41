import { type DynamicModule, Module } from '@nestjs/common';

import { type Logger } from '@seedship/logging';

import { type AzureSimConfig } from './config/azure-sim-config';
import { ConfigModule } from './config/config.module';
import { DataBoxModule } from './data-box/data-box.module';
import { DatacenterModule } from './datacenter/datacenter.module';
import { ImportExportModule } from './import-export/import-export.module';

@Module({})
export class AppModule {
  static forRoot(config: AzureSimConfig, logger: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [ConfigModule.forRoot(config, logger), DataBoxModule, DatacenterModule, ImportExportModule],
    };
  }
}
