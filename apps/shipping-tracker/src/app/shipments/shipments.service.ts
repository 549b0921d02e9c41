import { Inject, Injectable } from '@nestjs/common';

import { ShippingPackageUpdated } from '@seedship/contracts';
import { Prisma, PRISMA_CLIENT, type PrismaClient } from '@seedship/db';
import { CalendarDateError, TrackingNumber, TrackingNumberError, addDays, arrivalDeadline, calendarDateOf, parseCalendarDate } from '@seedship/domain';
import { type Logger } from '@seedship/logging';
import { enqueueEvent } from '@seedship/messaging';

import { CLOCK, type Clock } from '../clock/clock';
import { SHIPPING_TRACKER_LOGGER } from '../common/logger.provider';
import { type FieldProblem, ShippingErrorCode, ShippingException } from '../common/shipping-tracker.exception';
import { type Datacenter, parseDatacenter, supportedCarrier } from './datacenter';
import { type RecordShippingDto } from './dtos/record-shipping.dto';
import {
  SHIPPABLE_DRIVE_STATES,
  type ShipmentRow,
  type ShippingJobView,
  deadlineView,
  deliveryView,
  returnView,
} from './shipment-view';

/** Jobs whose shipping may be recorded or corrected: the Azure job exists and the datacenter has not received the drives. */
const RECORDABLE_STATES = ['IMPORT_JOB_CREATED', 'SHIPPING'] as const;

/** Carrier account numbers: letters and digits (UPS 6, FedEx and DHL 9); spaces and dashes are dropped. */
const ACCOUNT_NUMBER = /^[A-Z0-9]{4,32}$/;

const jobInclude = {
  shipments: true,
  drives: { where: { state: { in: [...SHIPPABLE_DRIVE_STATES] } }, select: { id: true, serialNumber: true }, orderBy: { serialNumber: 'asc' } },
} satisfies Prisma.SeedingJobInclude;

type JobWithShipping = Prisma.SeedingJobGetPayload<{ include: typeof jobInclude }>;

interface ValidDelivery {
  readonly carrierName: string;
  readonly trackingNumber: string;
  readonly driveCount: number;
  readonly shipDate: string;
  readonly arrivalDeadline: string;
}

interface ValidReturn {
  readonly carrierName: string;
  readonly carrierAccountNumber: string;
}

export interface RecordResult {
  readonly view: ShippingJobView;
  /** False when the request matched what was already recorded (nothing was written). */
  readonly changed: boolean;
  readonly dryRun: boolean;
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
}

const TRACKING_NUMBER_INDEX = 'shipment_tracking_number_key';
const ONE_PACKAGE_PER_JOB_INDEX = 'shipment_job_id_direction_key';

function uniqueViolationOn(error: unknown, index: string): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') return false;
  // The pg driver adapter names the violated index under meta.driverAdapterError.cause.constraint.
  return JSON.stringify(error.meta ?? {}).includes(`"${index}"`);
}

@Injectable()
export class ShipmentsService {
  constructor(
    @Inject(PRISMA_CLIENT) private readonly prisma: PrismaClient,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(SHIPPING_TRACKER_LOGGER) private readonly logger: Logger,
  ) {}

  private today(): string {
    return calendarDateOf(this.clock.now());
  }

  async list(filter: 'awaiting' | 'all'): Promise<ShippingJobView[]> {
    const jobs = await this.prisma.seedingJob.findMany({
      where:
        filter === 'awaiting'
          ? { state: 'IMPORT_JOB_CREATED', shipments: { none: { direction: 'DELIVERY' } } }
          : { OR: [{ state: { in: [...RECORDABLE_STATES] } }, { shipments: { some: {} } }] },
      include: jobInclude,
      orderBy: { createdAt: 'asc' },
    });
    return jobs.map((job) => this.toView(job));
  }

  async get(jobId: string): Promise<ShippingJobView> {
    return this.toView(await this.loadJob(this.prisma, jobId));
  }

  private async loadJob(client: Prisma.TransactionClient, jobId: string): Promise<JobWithShipping> {
    const job = isUuid(jobId) ? await client.seedingJob.findUnique({ where: { id: jobId }, include: jobInclude }) : null;
    if (!job) {
      throw new ShippingException(ShippingErrorCode.JOB_NOT_FOUND, `No seeding job with id ${jobId}; list the jobs waiting for shipment with GET /shipping/jobs?filter=awaiting.`);
    }
    return job;
  }

  private toView(job: JobWithShipping): ShippingJobView {
    const delivery = job.shipments.find((shipment) => shipment.direction === 'DELIVERY');
    const returnShipping = job.shipments.find((shipment) => shipment.direction === 'RETURN');
    const datacenter = parseDatacenter(job.datacenterAddress);
    return {
      job: {
        id: job.id,
        importJobName: job.importJobName,
        state: job.state,
        provider: job.provider,
        location: job.location,
        azureJobResourceId: job.azureJobResourceId,
      },
      datacenter: 'datacenter' in datacenter ? datacenter.datacenter : null,
      drives: { count: job.drives.length, serialNumbers: job.drives.map((drive) => drive.serialNumber) },
      delivery: delivery ? deliveryView(delivery) : null,
      returnShipping: returnShipping ? returnView(returnShipping) : null,
      deadline: delivery ? deadlineView(delivery, this.today()) : null,
      awaitingShipment: job.state === 'IMPORT_JOB_CREATED' && !delivery,
      record: { table: 'shipment', ids: job.shipments.map((shipment) => shipment.id), path: `/shipping/jobs/${job.id}` },
    };
  }

  /**
   * Records or corrects a job's delivery package and/or return shipping: every rule is checked first and
   * every broken one reported at once; then the rows, the drives' SHIPPED state, the timeline entry and
   * the shipping.package.updated.v1 events commit in one transaction. The database's unique index on the
   * tracking number decides between concurrent requests.
   */
  async record(jobId: string, dto: RecordShippingDto, actor: string, options: { dryRun: boolean }): Promise<RecordResult> {
    const job = await this.loadJob(this.prisma, jobId);
    if (!(RECORDABLE_STATES as readonly string[]).includes(job.state)) {
      throw new ShippingException(
        ShippingErrorCode.WRONG_STATE,
        `Job ${job.importJobName} is ${job.state}; shipping can be recorded only once its Azure import job exists (IMPORT_JOB_CREATED) and changed until the datacenter receives the drives (SHIPPING).`,
        { state: job.state },
      );
    }
    const parsed = parseDatacenter(job.datacenterAddress);
    if ('problem' in parsed) {
      throw new ShippingException(ShippingErrorCode.DATACENTER_UNKNOWN, `Cannot check the carrier for job ${job.importJobName}: ${parsed.problem}. Try again once the Azure job shows its shipping address.`);
    }
    const problems: FieldProblem[] = [];
    const delivery = dto.delivery ? this.validateDelivery(dto.delivery, job, parsed.datacenter, problems) : undefined;
    const returnShipping = dto.returnShipping ? this.validateReturn(dto.returnShipping, parsed.datacenter, problems) : undefined;
    if (problems.length > 0) {
      throw new ShippingException(
        ShippingErrorCode.INVALID_SHIPPING_DETAILS,
        `The shipping details for job ${job.importJobName} break ${problems.length === 1 ? 'a rule' : `${problems.length} rules`}: ${problems.map((problem) => `${problem.field}: ${problem.message}`).join(' ')}`,
        { problems },
      );
    }
    if (delivery) await this.assertTrackingNumberFree(this.prisma, delivery.trackingNumber, job.id);

    const existingDelivery = job.shipments.find((shipment) => shipment.direction === 'DELIVERY');
    const existingReturn = job.shipments.find((shipment) => shipment.direction === 'RETURN');
    const deliveryChanged = delivery !== undefined && !sameDelivery(existingDelivery, delivery);
    const returnChanged = returnShipping !== undefined && !sameReturn(existingReturn, returnShipping);
    if (options.dryRun || (!deliveryChanged && !returnChanged)) {
      return { view: this.toView(job), changed: false, dryRun: options.dryRun };
    }

    try {
      await this.prisma.$transaction(async (tx) => {
        if (delivery && deliveryChanged) await this.writeDelivery(tx, job, existingDelivery, delivery, actor);
        if (returnShipping && returnChanged) await this.writeReturn(tx, job, existingReturn, returnShipping, actor);
      });
    } catch (error) {
      if (delivery && uniqueViolationOn(error, TRACKING_NUMBER_INDEX)) {
        // Another request took the number between our check and our insert; say who has it now.
        this.logger.info({ jobId: job.id, trackingNumber: delivery.trackingNumber }, 'The unique index refused a tracking number a concurrent request took first');
        await this.assertTrackingNumberFree(this.prisma, delivery.trackingNumber, job.id);
      }
      if (uniqueViolationOn(error, ONE_PACKAGE_PER_JOB_INDEX) || uniqueViolationOn(error, TRACKING_NUMBER_INDEX)) {
        throw new ShippingException(
          ShippingErrorCode.CONCURRENT_UPDATE,
          `Someone else recorded shipping for job ${job.importJobName} at the same time; nothing was changed. Look at the job's shipping again and repeat if it is still needed.`,
        );
      }
      throw error;
    }
    return { view: await this.get(job.id), changed: true, dryRun: false };
  }

  private validateDelivery(input: NonNullable<RecordShippingDto['delivery']>, job: JobWithShipping, datacenter: Datacenter, problems: FieldProblem[]): ValidDelivery | undefined {
    const carrierName = supportedCarrier(datacenter, input.carrierName);
    if (!carrierName) {
      problems.push({
        field: 'delivery.carrierName',
        code: 'CARRIER_NOT_SUPPORTED',
        message: `${input.carrierName} is not a carrier the ${job.location} datacenter accepts; use one of ${datacenter.supportedCarriers.join(', ')}.`,
      });
    }
    let trackingNumber: string | undefined;
    try {
      trackingNumber = TrackingNumber.parse(carrierName ?? input.carrierName, input.trackingNumber).value;
    } catch (error) {
      if (!(error instanceof TrackingNumberError)) throw error;
      problems.push({ field: 'delivery.trackingNumber', code: error.code, message: error.message });
    }
    if (input.driveCount !== job.drives.length) {
      problems.push({
        field: 'delivery.driveCount',
        code: 'DRIVE_COUNT_MISMATCH',
        message:
          job.drives.length === 0
            ? `job ${job.importJobName} has no drives ready to ship; finish preparing its drives first.`
            : `job ${job.importJobName} has ${job.drives.length} drive${job.drives.length === 1 ? '' : 's'} ready to ship (${job.drives.map((drive) => drive.serialNumber).join(', ')}), not ${input.driveCount}; all of them go in the one package.`,
      });
    }
    let shipDate: string | undefined;
    try {
      shipDate = parseCalendarDate(input.shipDate);
      // A day of grace for people east of UTC, who may already be on the next day.
      const latest = addDays(this.today(), 1);
      if (shipDate > latest) {
        problems.push({ field: 'delivery.shipDate', code: 'SHIP_DATE_IN_FUTURE', message: `${shipDate} is in the future; record the package once it has been handed to the carrier.` });
        shipDate = undefined;
      }
    } catch (error) {
      if (!(error instanceof CalendarDateError)) throw error;
      problems.push({ field: 'delivery.shipDate', code: error.code, message: error.message });
    }
    if (!carrierName || !trackingNumber || !shipDate || input.driveCount !== job.drives.length) return undefined;
    return { carrierName, trackingNumber, driveCount: input.driveCount, shipDate, arrivalDeadline: arrivalDeadline(shipDate) };
  }

  private validateReturn(input: NonNullable<RecordShippingDto['returnShipping']>, datacenter: Datacenter, problems: FieldProblem[]): ValidReturn | undefined {
    const carrierName = supportedCarrier(datacenter, input.carrierName);
    if (!carrierName) {
      problems.push({
        field: 'returnShipping.carrierName',
        code: 'CARRIER_NOT_SUPPORTED',
        message: `${input.carrierName} is not a carrier this datacenter ships back with; use one of ${datacenter.supportedCarriers.join(', ')}.`,
      });
    }
    const carrierAccountNumber = input.carrierAccountNumber.replace(/[\s-]+/g, '').toUpperCase();
    if (!ACCOUNT_NUMBER.test(carrierAccountNumber)) {
      problems.push({
        field: 'returnShipping.carrierAccountNumber',
        code: 'CARRIER_ACCOUNT_NUMBER_FORMAT',
        message: `"${input.carrierAccountNumber}" is not a carrier account number; give the 4 to 32 letters and digits of your account with the carrier.`,
      });
    }
    return carrierName && ACCOUNT_NUMBER.test(carrierAccountNumber) ? { carrierName, carrierAccountNumber } : undefined;
  }

  private async assertTrackingNumberFree(client: Prisma.TransactionClient, trackingNumber: string, jobId: string): Promise<void> {
    const holder = await client.shipment.findFirst({
      where: { trackingNumber, jobId: { not: jobId } },
      select: { job: { select: { id: true, importJobName: true } } },
    });
    if (holder) {
      throw new ShippingException(
        ShippingErrorCode.TRACKING_NUMBER_TAKEN,
        `Tracking number ${trackingNumber} is already recorded for job ${holder.job.importJobName} (${holder.job.id}); each job ships in its own package with its own tracking number. Check the label, or correct the other job.`,
        { trackingNumber, otherJobId: holder.job.id, otherImportJobName: holder.job.importJobName },
      );
    }
  }

  private async writeDelivery(tx: Prisma.TransactionClient, job: JobWithShipping, existing: ShipmentRow | undefined, delivery: ValidDelivery, actor: string): Promise<void> {
    const data = {
      carrierName: delivery.carrierName,
      trackingNumber: delivery.trackingNumber,
      driveCount: delivery.driveCount,
      shipDate: new Date(`${delivery.shipDate}T00:00:00Z`),
      arrivalDeadline: new Date(`${delivery.arrivalDeadline}T00:00:00Z`),
      recordedBy: actor,
    };
    // A new tracking number is a new package as far as the carrier knows: forget the old one's status.
    const carrierReset = existing?.trackingNumber !== delivery.trackingNumber ? { carrierStatus: null, carrierEvents: Prisma.DbNull, carrierCheckedAt: null, deliveredAt: null } : {};
    const version = await this.writeShipment(tx, job, existing, 'DELIVERY', { ...data, ...carrierReset });
    await tx.drive.updateMany({ where: { jobId: job.id, state: 'READY' }, data: { state: 'SHIPPED', version: { increment: 1 } } });
    await tx.jobTimelineEntry.create({
      data: {
        jobId: job.id,
        actor,
        action: existing ? 'shipping-delivery-corrected' : 'shipping-delivery-recorded',
        detail: { carrierName: delivery.carrierName, trackingNumber: delivery.trackingNumber, driveCount: delivery.driveCount, shipDate: delivery.shipDate, arrivalDeadline: delivery.arrivalDeadline },
      },
    });
    await enqueueEvent(tx, ShippingPackageUpdated, {
      jobId: job.id,
      direction: 'DELIVERY',
      carrierName: delivery.carrierName,
      trackingNumber: delivery.trackingNumber,
      driveCount: delivery.driveCount,
      shipDate: delivery.shipDate,
      arrivalDeadline: delivery.arrivalDeadline,
      version,
      actor,
    });
  }

  private async writeReturn(tx: Prisma.TransactionClient, job: JobWithShipping, existing: ShipmentRow | undefined, returnShipping: ValidReturn, actor: string): Promise<void> {
    const version = await this.writeShipment(tx, job, existing, 'RETURN', { ...returnShipping, recordedBy: actor });
    await tx.jobTimelineEntry.create({
      data: {
        jobId: job.id,
        actor,
        action: existing ? 'shipping-return-corrected' : 'shipping-return-recorded',
        // The account number is not a secret, but it is billing data: the timeline keeps only its tail.
        detail: { carrierName: returnShipping.carrierName, carrierAccountNumberEnding: returnShipping.carrierAccountNumber.slice(-4) },
      },
    });
    await enqueueEvent(tx, ShippingPackageUpdated, {
      jobId: job.id,
      direction: 'RETURN',
      carrierName: returnShipping.carrierName,
      carrierAccountNumber: returnShipping.carrierAccountNumber,
      version,
      actor,
    });
  }

  /** Creates the row, or updates it only if nobody changed it since we read it. Returns the new version. */
  private async writeShipment(
    tx: Prisma.TransactionClient,
    job: JobWithShipping,
    existing: ShipmentRow | undefined,
    direction: 'DELIVERY' | 'RETURN',
    data: Omit<Prisma.ShipmentUncheckedUpdateInput, 'id' | 'jobId' | 'direction' | 'version'> & { carrierName: string },
  ): Promise<number> {
    if (!existing) {
      const created = await tx.shipment.create({ data: { ...data, jobId: job.id, direction } as Prisma.ShipmentUncheckedCreateInput });
      return created.version;
    }
    const updated = await tx.shipment.updateMany({ where: { id: existing.id, version: existing.version }, data: { ...data, version: { increment: 1 } } });
    if (updated.count !== 1) {
      throw new ShippingException(
        ShippingErrorCode.CONCURRENT_UPDATE,
        `Someone else changed the ${direction === 'DELIVERY' ? 'delivery package' : 'return shipping'} of job ${job.importJobName} at the same time; nothing was changed. Look at it again and repeat if it is still needed.`,
      );
    }
    return existing.version + 1;
  }
}

function sameDelivery(existing: ShipmentRow | undefined, delivery: ValidDelivery): boolean {
  return (
    existing !== undefined &&
    existing.carrierName === delivery.carrierName &&
    existing.trackingNumber === delivery.trackingNumber &&
    existing.driveCount === delivery.driveCount &&
    existing.shipDate !== null &&
    calendarDateOf(existing.shipDate) === delivery.shipDate
  );
}

function sameReturn(existing: ShipmentRow | undefined, returnShipping: ValidReturn): boolean {
  return existing !== undefined && existing.carrierName === returnShipping.carrierName && existing.carrierAccountNumber === returnShipping.carrierAccountNumber;
}
