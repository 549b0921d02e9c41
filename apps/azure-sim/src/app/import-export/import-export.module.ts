import { Module } from '@nestjs/common';

import { DatacenterModule } from '../datacenter/datacenter.module';

import { ImportExportCatalogController } from './import-export-catalog.controller';
import { ImportExportJobsController } from './import-export-jobs.controller';
import { ImportExportJobsService } from './import-export-jobs.service';

/** The Microsoft.ImportExport resource provider, api-version 2021-01-01. */
@Module({
  imports: [DatacenterModule],
  controllers: [ImportExportCatalogController, ImportExportJobsController],
  providers: [ImportExportJobsService],
})
export class ImportExportModule {}
