import { Body, Controller, Get, Headers, HttpCode, Param, Put, Query } from '@nestjs/common';

import { actorFrom, parseBody } from '../common/parse-body';
import { ShippingErrorCode, ShippingException } from '../common/shipping-tracker.exception';
import { recordShippingSchema } from './dtos/record-shipping.dto';
import { type ShippingJobView } from './shipment-view';
import { type RecordResult, ShipmentsService } from './shipments.service';

function flag(value: string | undefined, name: string): boolean {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  throw new ShippingException(ShippingErrorCode.VALIDATION, `The request is not valid: ${name} must be true or false.`);
}

@Controller('shipping/jobs')
export class ShipmentsController {
  constructor(private readonly shipments: ShipmentsService) {}

  /** `filter=awaiting`: jobs whose Azure job exists and whose package is not recorded; default: every job with shipping. */
  @Get()
  list(@Query('filter') filter: string | undefined): Promise<ShippingJobView[]> {
    if (filter !== undefined && filter !== 'awaiting' && filter !== 'all') {
      throw new ShippingException(ShippingErrorCode.VALIDATION, `The request is not valid: filter must be awaiting or all, not ${filter}.`);
    }
    return this.shipments.list(filter === 'awaiting' ? 'awaiting' : 'all');
  }

  @Get(':jobId')
  get(@Param('jobId') jobId: string): Promise<ShippingJobView> {
    return this.shipments.get(jobId);
  }

  /** Records or corrects the job's delivery package and return shipping. `dryRun=true` checks every rule and writes nothing. */
  @Put(':jobId')
  @HttpCode(200)
  record(
    @Param('jobId') jobId: string,
    @Body() body: unknown,
    @Query('dryRun') dryRun: string | undefined,
    @Headers('x-seedship-user') user: string | undefined,
  ): Promise<RecordResult> {
    return this.shipments.record(jobId, parseBody(recordShippingSchema, body), actorFrom(user), { dryRun: flag(dryRun, 'dryRun') });
  }
}
