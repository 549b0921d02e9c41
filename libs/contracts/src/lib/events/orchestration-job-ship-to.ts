import { z } from 'zod';

import { uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const datacenterAddressSchema = z.object({
  recipientName: z.string().min(1),
  streetAddress1: z.string().min(1),
  streetAddress2: z.string().optional(),
  city: z.string().min(1),
  stateOrProvince: z.string().optional(),
  postalCode: z.string().optional(),
  countryOrRegion: z.string().min(1),
  phone: z.string().optional(),
  additionalInformation: z.string().optional(),
  supportedCarriers: z.array(z.string()).optional(),
});

export const OrchestrationJobShipTo = defineMessage(
  'orchestration.job.ship-to.v1',
  z.object({
    jobId: uuid,
    provider: z.enum(['IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK']),
    /** The Azure import job name to write on the package. */
    importJobName: z.string().min(1),
    location: z.string().min(1),
    datacenterAddress: datacenterAddressSchema,
  }),
  'The Azure import job exists: the address of the datacenter its drives are shipped to.',
);
export type OrchestrationJobShipToPayload = PayloadOf<typeof OrchestrationJobShipTo>;
