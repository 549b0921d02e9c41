import { z } from 'zod';

import { isoTimestamp, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

/** The carrier statuses shipping-tracker reports, whatever words the carrier uses. */
export const CARRIER_STATUSES = ['LABEL_CREATED', 'PICKED_UP', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'EXCEPTION'] as const;
export const carrierStatus = z.enum(CARRIER_STATUSES);
export type CarrierStatus = z.infer<typeof carrierStatus>;

export const ShippingCarrierStatusChanged = defineMessage(
  'shipping.package.carrier-status-changed.v1',
  z.object({
    jobId: uuid,
    direction: z.enum(['DELIVERY', 'RETURN']),
    carrierName: z.string().min(1),
    trackingNumber: z.string().min(1),
    status: carrierStatus,
    previousStatus: carrierStatus.optional(),
    /** The carrier's newest event: when, where, and its own words. */
    lastEvent: z.object({ at: isoTimestamp, description: z.string().min(1), location: z.string().min(1).optional() }),
    deliveredAt: isoTimestamp.optional(),
  }),
  "The carrier reported a new status for a job's package (in transit, delivered, ...).",
);
export type ShippingCarrierStatusChangedPayload = PayloadOf<typeof ShippingCarrierStatusChanged>;
