import { z } from 'zod';

import { uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const ShippingPackageUpdated = defineMessage(
  'shipping.package.updated.v1',
  z.object({
    jobId: uuid,
    direction: z.enum(['DELIVERY', 'RETURN']),
    carrierName: z.string().min(1),
    trackingNumber: z.string().min(1).optional(),
    driveCount: z.number().int().positive().optional(),
    shipDate: z.iso.date().optional(),
  }),
  'The delivery or return package of a job was recorded or changed.',
);
export type ShippingPackageUpdatedPayload = PayloadOf<typeof ShippingPackageUpdated>;
