import { Module } from '@nestjs/common';

import { DatacenterModule } from '../datacenter/datacenter.module';

import { DataBoxJobsController } from './data-box-jobs.controller';
import { DataBoxJobsService } from './data-box-jobs.service';
import { DataBoxOperationsController } from './data-box-operations.controller';

/** The Microsoft.DataBox resource provider, api-version 2022-12-01, DataBoxCustomerDisk jobs. */
@Module({
  imports: [DatacenterModule],
  controllers: [DataBoxJobsController, DataBoxOperationsController],
  providers: [DataBoxJobsService],
})
export class DataBoxModule {}
