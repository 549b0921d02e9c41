import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';

import {
  type AlertView,
  type DriveView,
  type JobDetailView,
  type NodesView,
  type OverviewView,
  type ShipmentView,
  type TimelineEntryView,
  alertListSchema,
  driveListQuery,
  drivePageSchema,
  driveSchema,
  jobDetailSchema,
  jobListQuery,
  jobPageSchema,
  nodesSchema,
  overviewSchema,
  shipmentListQuery,
  shipmentListSchema,
  timelineSchema,
  type JobRowView,
} from '../api/api-schemas';
import { openApiSchema } from '../api/openapi';
import { OpsConsoleErrorCode, OpsConsoleException } from '../common/ops-console.exception';
import { parseId, parseInput } from '../common/parse-input';
import { FleetService } from './fleet.service';

interface Page<T> {
  items: T[];
  total: number;
  nextCursor: string | null;
}

@ApiTags('fleet')
@ApiBearerAuth()
@ApiCookieAuth()
@Controller('api')
export class FleetController {
  constructor(private readonly fleet: FleetService) {}

  @Get('overview')
  @ApiOperation({ summary: 'Fleet overview: jobs by state, bytes at each stage, alerts and deadlines first (`seedship status`)' })
  @ApiOkResponse({ schema: openApiSchema(overviewSchema) })
  overview(): Promise<OverviewView> {
    return this.fleet.overview();
  }

  @Get('jobs')
  @ApiOperation({ summary: 'Seeding jobs, newest first, keyset-paged (`seedship jobs`)' })
  @ApiQuery({ name: 'state', required: false, description: 'comma-separated job states' })
  @ApiQuery({ name: 'search', required: false, description: 'part of the import job name' })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'cursor', required: false, description: 'nextCursor of the previous page' })
  @ApiOkResponse({ schema: openApiSchema(jobPageSchema) })
  jobs(@Query() query: unknown): Promise<Page<JobRowView>> {
    return this.fleet.listJobs(parseInput(jobListQuery, query, 'query'));
  }

  @Get('jobs/:id')
  @ApiOperation({ summary: 'One job: timeline, drives, Azure job and drive states, shipping, datacenter address' })
  @ApiOkResponse({ schema: openApiSchema(jobDetailSchema) })
  job(@Param('id') id: string): Promise<JobDetailView> {
    return this.fleet.jobDetail(parseId(id, 'job'));
  }

  @Get('jobs/:id/timeline')
  @ApiOperation({ summary: "A job's timeline, newest first: who did what, when" })
  @ApiOkResponse({ schema: openApiSchema(timelineSchema) })
  async timeline(@Param('id') id: string): Promise<{ items: TimelineEntryView[] }> {
    const jobId = parseId(id, 'job');
    if (!(await this.fleet.jobExists(jobId))) {
      throw new OpsConsoleException(OpsConsoleErrorCode.NOT_FOUND, `No seeding job with id ${jobId}; list jobs with GET /api/jobs.`);
    }
    return { items: await this.fleet.timeline(jobId, 1000) };
  }

  @Get('drives')
  @ApiOperation({ summary: 'Drives, newest first, keyset-paged (`seedship drives`)' })
  @ApiQuery({ name: 'state', required: false, description: 'comma-separated drive states' })
  @ApiQuery({ name: 'jobId', required: false })
  @ApiQuery({ name: 'nodeName', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1-500, default 50' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ schema: openApiSchema(drivePageSchema) })
  drives(@Query() query: unknown): Promise<Page<DriveView>> {
    return this.fleet.listDrives(parseInput(driveListQuery, query, 'query'));
  }

  @Get('drives/:id')
  @ApiOperation({ summary: 'One drive' })
  @ApiOkResponse({ schema: openApiSchema(driveSchema) })
  drive(@Param('id') id: string): Promise<DriveView> {
    return this.fleet.drive(parseId(id, 'drive'));
  }

  @Get('nodes')
  @ApiOperation({ summary: 'Copy nodes and their bays: which drive is where, what to pull, what to insert next (`seedship nodes`)' })
  @ApiOkResponse({ schema: openApiSchema(nodesSchema) })
  nodes(): Promise<NodesView> {
    return this.fleet.nodes();
  }

  @Get('shipments')
  @ApiOperation({ summary: 'Delivery and return packages, pending first, earliest deadline first' })
  @ApiQuery({ name: 'pending', required: false, description: 'true: only packages not yet delivered' })
  @ApiOkResponse({ schema: openApiSchema(shipmentListSchema) })
  async shipments(@Query() query: unknown): Promise<{ items: ShipmentView[] }> {
    const { pending } = parseInput(shipmentListQuery, query, 'query');
    return { items: await this.fleet.shipments({ pending: pending === 'true' }) };
  }

  @Get('alerts')
  @ApiOperation({ summary: 'Everything that needs attention, critical first' })
  @ApiOkResponse({ schema: openApiSchema(alertListSchema) })
  async alerts(): Promise<{ items: AlertView[] }> {
    return { items: await this.fleet.alerts() };
  }
}
