import { z } from 'zod';

import { actor, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

/**
 * shipping-tracker publishes this whenever it records or corrects a job's delivery package or return
 * shipping; the import-orchestrator applies it to the Azure job (Import/Export `deliveryPackage` and
 * `returnShipping`; Data Box customer disk: the delivery package's carrier and tracking number in
 * `markDevicesShipped`, the return details in the job's return shipping).
 *
 * What shipping-tracker always sends (checked before it is written, with the same rules in Postgres):
 * - `direction: 'DELIVERY'`: `carrierName`, `trackingNumber` (normalized: uppercase, no spaces or
 *   dashes; passed the carrier's format and check digit; unique across all jobs), `driveCount` (equals
 *   the job's drives), `shipDate` and `arrivalDeadline` (ship date + 14 days), `version`, `actor`.
 * - `direction: 'RETURN'`: `carrierName` and `carrierAccountNumber` (Azure's `returnShipping`), `version`,
 *   `actor`. A return has no tracking number until Azure ships the drives back (Azure reports that).
 *
 * Corrections publish a new event with a higher `version` for the same job and direction; a consumer
 * keeps the highest version it has applied and ignores lower ones (events of different jobs are not
 * ordered). The fields after `shipDate` were added compatibly (optional) to v1: a v1 producer that omits
 * them is still valid, so consumers must treat a missing `version` as 0.
 */
export const ShippingPackageUpdated = defineMessage(
  'shipping.package.updated.v1',
  z.object({
    jobId: uuid,
    direction: z.enum(['DELIVERY', 'RETURN']),
    carrierName: z.string().min(1),
    trackingNumber: z.string().min(1).optional(),
    driveCount: z.number().int().positive().optional(),
    shipDate: z.iso.date().optional(),
    /** RETURN: the carrier account Azure ships the drives back on (Azure's returnShipping.carrierAccountNumber). */
    carrierAccountNumber: z.string().min(1).optional(),
    /** DELIVERY: ship date + 14 days, the last day the drives may arrive. */
    arrivalDeadline: z.iso.date().optional(),
    /** The shipment row's version: higher means newer for this job and direction. */
    version: z.number().int().nonnegative().optional(),
    /** Who recorded it: `user:<name>` or `system:<service>`. */
    actor: actor.optional(),
  }),
  'The delivery package or return shipping of a job was recorded or corrected; the import-orchestrator applies it to the Azure job.',
);
export type ShippingPackageUpdatedPayload = PayloadOf<typeof ShippingPackageUpdated>;
