import { Controller, Get, Query, UseGuards } from '@nestjs/common';

import { requireApiVersion } from '../arm/api-version';
import { BearerTokenGuard } from '../arm/bearer-token.guard';

import { DATA_BOX_API_VERSIONS } from './data-box-jobs.controller';

const OPERATIONS = [
  ['Microsoft.DataBox/jobs/read', 'Jobs', 'Read jobs', 'Lists or gets customer-disk jobs.'],
  ['Microsoft.DataBox/jobs/write', 'Jobs', 'Create or update job', 'Creates or updates a customer-disk job.'],
  ['Microsoft.DataBox/jobs/delete', 'Jobs', 'Delete job', 'Deletes a customer-disk job.'],
  ['Microsoft.DataBox/jobs/cancel/action', 'Jobs', 'Cancel job', 'Cancels a job before its disks arrive.'],
  ['Microsoft.DataBox/jobs/markDevicesShipped/action', 'Jobs', 'Mark devices shipped', 'Reports the package of disks shipped to the datacenter.'],
  ['Microsoft.DataBox/locations/operationResults/read', 'Operation results', 'Read operation result', 'Gets the status of an asynchronous operation.'],
] as const;

/** Operations_List of Microsoft.DataBox 2022-12-01. */
@Controller('providers/Microsoft.DataBox')
@UseGuards(BearerTokenGuard)
export class DataBoxOperationsController {
  @Get('operations')
  list(@Query('api-version') version: unknown): { value: Record<string, unknown>[] } {
    requireApiVersion(version, DATA_BOX_API_VERSIONS, 'Microsoft.DataBox');
    return {
      value: OPERATIONS.map(([name, resource, operation, description]) => ({
        name,
        display: { provider: 'Microsoft Data Box', resource, operation, description },
        origin: 'user',
        isDataAction: false,
      })),
    };
  }
}
