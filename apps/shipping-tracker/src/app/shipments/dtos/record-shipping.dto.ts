import { z } from 'zod';

/** The body of PUT /shipping/jobs/:jobId: the delivery package, the return shipping, or both. */
export const recordShippingSchema = z
  .object({
    delivery: z
      .object({
        carrierName: z.string().trim().min(1, 'name the carrier the package was given to'),
        trackingNumber: z.string().min(1, 'copy the tracking number from the label or receipt'),
        driveCount: z.number().int('must be a whole number').positive('must be at least 1'),
        shipDate: z.string().min(1, 'give the day the package was handed to the carrier, as YYYY-MM-DD'),
      })
      .strict()
      .optional(),
    returnShipping: z
      .object({
        carrierName: z.string().trim().min(1, 'name the carrier Azure should ship the drives back with'),
        carrierAccountNumber: z.string().min(1, 'give your account number with that carrier; Azure bills the return to it'),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine((body) => body.delivery !== undefined || body.returnShipping !== undefined, 'give delivery, returnShipping or both');

export type RecordShippingDto = z.output<typeof recordShippingSchema>;
