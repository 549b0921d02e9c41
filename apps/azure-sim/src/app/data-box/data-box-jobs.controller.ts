import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, Req, Res, UseGuards } from '@nestjs/common';

import { requireApiVersion } from '../arm/api-version';
import { ArmErrorCode, ArmException } from '../arm/arm.exception';
import { BearerTokenGuard } from '../arm/bearer-token.guard';
import { type HttpRequest, type HttpResponse } from '../arm/http-types';

import { toJobResource } from './data-box-job.response';
import { DataBoxJobsService } from './data-box-jobs.service';

export const DATA_BOX_API_VERSIONS = ['2022-12-01'] as const;
const checkVersion = (version: unknown) => requireApiVersion(version, DATA_BOX_API_VERSIONS, 'Microsoft.DataBox');

/** Jobs_* of Microsoft.DataBox 2022-12-01 (customer-disk jobs) and the create LRO's status endpoint. */
@Controller('subscriptions/:subscriptionId')
@UseGuards(BearerTokenGuard)
export class DataBoxJobsController {
  constructor(@Inject(DataBoxJobsService) private readonly jobs: DataBoxJobsService) {}

  @Get('providers/Microsoft.DataBox/jobs')
  async list(@Param('subscriptionId') subscriptionId: string, @Query('api-version') version: unknown): Promise<{ value: Record<string, unknown>[] }> {
    checkVersion(version);
    return { value: (await this.jobs.list(subscriptionId, undefined)).map((view) => toJobResource(view, false)) };
  }

  @Get('resourceGroups/:resourceGroup/providers/Microsoft.DataBox/jobs')
  async listByResourceGroup(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Query('api-version') version: unknown,
  ): Promise<{ value: Record<string, unknown>[] }> {
    checkVersion(version);
    return { value: (await this.jobs.list(subscriptionId, resourceGroup)).map((view) => toJobResource(view, false)) };
  }

  @Get('resourceGroups/:resourceGroup/providers/Microsoft.DataBox/jobs/:jobName')
  async get(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
    @Query('$expand') expand: unknown,
  ): Promise<Record<string, unknown>> {
    checkVersion(version);
    const view = await this.jobs.get(subscriptionId, resourceGroup, jobName);
    return toJobResource(view, typeof expand === 'string' && expand.toLowerCase() === 'details');
  }

  /** Jobs_Create is a long-running operation: 202 with Azure-AsyncOperation and Location to poll. */
  @Put('resourceGroups/:resourceGroup/providers/Microsoft.DataBox/jobs/:jobName')
  async create(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
    @Body() body: unknown,
    @Req() request: HttpRequest,
    @Res() response: HttpResponse,
  ): Promise<void> {
    checkVersion(version);
    const record = await this.jobs.create(subscriptionId, resourceGroup, jobName, body);
    const statusUrl = `${request.protocol}://${request.get('host') ?? ''}/subscriptions/${subscriptionId}/providers/Microsoft.DataBox/locations/${record.location}/operationResults/${record.provisioning.operationId}?api-version=${String(version)}`;
    response.status(202).setHeader('Azure-AsyncOperation', statusUrl).setHeader('Location', statusUrl).end();
  }

  @Get('providers/Microsoft.DataBox/locations/:location/operationResults/:operationId')
  async operationResult(
    @Param('subscriptionId') subscriptionId: string,
    @Param('operationId') operationId: string,
    @Query('api-version') version: unknown,
  ): Promise<Record<string, unknown>> {
    checkVersion(version);
    const operation = await this.jobs.operation(subscriptionId, operationId);
    if (!operation) throw new ArmException(ArmErrorCode.ResourceNotFound, `The operation '${operationId}' was not found.`);
    const { record, done } = operation;
    return {
      id: `/subscriptions/${subscriptionId}/providers/Microsoft.DataBox/locations/${record.location}/operationResults/${operationId}`,
      name: operationId,
      status: done ? 'Succeeded' : 'InProgress',
      startTime: record.provisioning.startedAt,
      ...(done ? { endTime: record.provisioning.completesAt } : {}),
    };
  }

  @Patch('resourceGroups/:resourceGroup/providers/Microsoft.DataBox/jobs/:jobName')
  async update(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    checkVersion(version);
    return toJobResource(await this.jobs.update(subscriptionId, resourceGroup, jobName, body), true);
  }

  @Delete('resourceGroups/:resourceGroup/providers/Microsoft.DataBox/jobs/:jobName')
  async delete(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
  ): Promise<void> {
    checkVersion(version);
    await this.jobs.delete(subscriptionId, resourceGroup, jobName);
  }

  @Post('resourceGroups/:resourceGroup/providers/Microsoft.DataBox/jobs/:jobName/markDevicesShipped')
  @HttpCode(204)
  async markDevicesShipped(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
    @Body() body: unknown,
  ): Promise<void> {
    checkVersion(version);
    await this.jobs.markDevicesShipped(subscriptionId, resourceGroup, jobName, body);
  }

  @Post('resourceGroups/:resourceGroup/providers/Microsoft.DataBox/jobs/:jobName/cancel')
  @HttpCode(204)
  async cancel(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
    @Body() body: unknown,
  ): Promise<void> {
    checkVersion(version);
    await this.jobs.cancel(subscriptionId, resourceGroup, jobName, body);
  }
}
