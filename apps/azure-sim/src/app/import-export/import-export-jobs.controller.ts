import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';

import { requireApiVersion } from '../arm/api-version';
import { ArmErrorCode, ArmException } from '../arm/arm.exception';
import { BearerTokenGuard } from '../arm/bearer-token.guard';

import { toJobResponse } from './import-export-job.response';
import { ImportExportJobsService } from './import-export-jobs.service';

export const IMPORT_EXPORT_API_VERSIONS = ['2021-01-01'] as const;
const PROVIDER = 'Microsoft.ImportExport';
const checkVersion = (version: unknown) => requireApiVersion(version, IMPORT_EXPORT_API_VERSIONS, PROVIDER);

/** Jobs_* and BitLockerKeys_List of Microsoft.ImportExport 2021-01-01. */
@Controller('subscriptions/:subscriptionId')
@UseGuards(BearerTokenGuard)
export class ImportExportJobsController {
  constructor(@Inject(ImportExportJobsService) private readonly jobs: ImportExportJobsService) {}

  @Get('providers/Microsoft.ImportExport/jobs')
  async listBySubscription(
    @Param('subscriptionId') subscriptionId: string,
    @Query('api-version') version: unknown,
    @Query('$top') top: unknown,
  ): Promise<{ value: Record<string, unknown>[] }> {
    checkVersion(version);
    const views = await this.jobs.list(subscriptionId, undefined);
    return { value: views.slice(0, parseTop(top)).map(toJobResponse) };
  }

  @Get('resourceGroups/:resourceGroup/providers/Microsoft.ImportExport/jobs')
  async listByResourceGroup(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Query('api-version') version: unknown,
    @Query('$top') top: unknown,
  ): Promise<{ value: Record<string, unknown>[] }> {
    checkVersion(version);
    const views = await this.jobs.list(subscriptionId, resourceGroup);
    return { value: views.slice(0, parseTop(top)).map(toJobResponse) };
  }

  @Get('resourceGroups/:resourceGroup/providers/Microsoft.ImportExport/jobs/:jobName')
  async get(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
  ): Promise<Record<string, unknown>> {
    checkVersion(version);
    return toJobResponse(await this.jobs.get(subscriptionId, resourceGroup, jobName));
  }

  @Put('resourceGroups/:resourceGroup/providers/Microsoft.ImportExport/jobs/:jobName')
  @HttpCode(201)
  async create(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    checkVersion(version);
    return toJobResponse(await this.jobs.create(subscriptionId, resourceGroup, jobName, body));
  }

  @Patch('resourceGroups/:resourceGroup/providers/Microsoft.ImportExport/jobs/:jobName')
  async update(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
    @Body() body: unknown,
  ): Promise<Record<string, unknown>> {
    checkVersion(version);
    return toJobResponse(await this.jobs.update(subscriptionId, resourceGroup, jobName, body));
  }

  @Delete('resourceGroups/:resourceGroup/providers/Microsoft.ImportExport/jobs/:jobName')
  async delete(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
  ): Promise<void> {
    checkVersion(version);
    await this.jobs.delete(subscriptionId, resourceGroup, jobName);
  }

  @Post('resourceGroups/:resourceGroup/providers/Microsoft.ImportExport/jobs/:jobName/listBitLockerKeys')
  @HttpCode(200)
  async listBitLockerKeys(
    @Param('subscriptionId') subscriptionId: string,
    @Param('resourceGroup') resourceGroup: string,
    @Param('jobName') jobName: string,
    @Query('api-version') version: unknown,
  ): Promise<{ value: { driveId: string; bitLockerKey: string }[] }> {
    checkVersion(version);
    return { value: await this.jobs.bitLockerKeys(subscriptionId, resourceGroup, jobName) };
  }
}

function parseTop(top: unknown): number {
  if (top === undefined) return 100;
  const value = typeof top === 'string' && /^\d+$/.test(top) ? Number(top) : Number.NaN;
  if (!Number.isInteger(value) || value < 1 || value > 100) {
    throw new ArmException(ArmErrorCode.InvalidRequestContent, `$top must be a whole number from 1 to 100; got ${JSON.stringify(top)}.`, '$top');
  }
  return value;
}
