import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put } from '@nestjs/common';
import { z } from 'zod';

import { DatacenterErrorCode, DatacenterException } from './datacenter.exception';
import { DatacenterService } from './datacenter.service';
import { DriveFaults, type DriveRegistration } from './drive-faults';
import { type Shipment } from './shipment';

const RegisterDriveBody = z.object({ imagePath: z.string().min(1, 'imagePath is the absolute path of the drive image') });

/**
 * The simulator's own control API (not part of ARM): register drive images, inject faults, and have
 * the carrier deliver a package. Used by tests, the demo and the azure-sim CLI.
 */
@Controller('azure-sim')
export class DatacenterController {
  constructor(@Inject(DatacenterService) private readonly datacenter: DatacenterService) {}

  @Put('drives/:driveId')
  registerDrive(@Param('driveId') driveId: string, @Body() body: unknown): Promise<DriveRegistration> {
    const { imagePath } = parse(RegisterDriveBody, body, 'drive registration');
    return this.datacenter.registerDrive(driveId, imagePath);
  }

  @Put('drives/:driveId/faults')
  setFaults(@Param('driveId') driveId: string, @Body() body: unknown): Promise<DriveRegistration> {
    return this.datacenter.setFaults(driveId, parse(DriveFaults, body, 'fault switches'));
  }

  @Get('drives')
  drives(): Promise<DriveRegistration[]> {
    return this.datacenter.listDrives();
  }

  @Post('packages/:trackingNumber/deliver')
  @HttpCode(200)
  deliver(@Param('trackingNumber') trackingNumber: string): Promise<Shipment> {
    return this.datacenter.deliver(trackingNumber);
  }

  @Get('shipments')
  async shipments(): Promise<Omit<Shipment, 'drives'>[]> {
    // Keys stay inside: the control API lists packages without the BitLocker keys.
    return (await this.datacenter.list()).map((shipment) => ({
      ...shipment,
      drives: shipment.drives.map(({ bitLockerKey: _key, ...drive }) => drive),
    }));
  }
}

function parse<TSchema extends z.ZodType>(schema: TSchema, body: unknown, what: string): z.output<TSchema> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}`);
  throw new DatacenterException(DatacenterErrorCode.InvalidRequest, `The ${what} is invalid: ${problems.join('; ')}`);
}
