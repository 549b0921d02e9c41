import { z } from 'zod';

import { uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

const packageFacts = {
  jobId: uuid,
  importJobName: z.string().min(1),
  carrierName: z.string().min(1),
  trackingNumber: z.string().min(1),
  shipDate: z.iso.date(),
  /** Ship date + 14 days: the last day the drives may arrive at the datacenter. */
  arrivalDeadline: z.iso.date(),
  /** The carrier's last known status (see shipping.package.carrier-status-changed.v1), if any. */
  carrierStatus: z.string().min(1).optional(),
};

/** shipping-tracker raises each reminder once per deadline and step (7, 3 and 1 days left). */
export const ShippingDeadlineReminder = defineMessage(
  'shipping.deadline.reminder.v1',
  z.object({
    ...packageFacts,
    /** The reminder step reached: 7, 3 or 1. */
    step: z.number().int().positive(),
    /** Days left on the day it was raised (0 = the deadline is today). */
    daysLeft: z.number().int().nonnegative(),
  }),
  'A delivery package has not arrived and its two-week arrival deadline is near.',
);
export type ShippingDeadlineReminderPayload = PayloadOf<typeof ShippingDeadlineReminder>;

/** Raised once per deadline, the first day after it passed without delivery. */
export const ShippingDeadlineOverdue = defineMessage(
  'shipping.deadline.overdue.v1',
  z.object({
    ...packageFacts,
    daysOverdue: z.number().int().positive(),
  }),
  'A delivery package missed its two-week arrival deadline: the drives have not been delivered.',
);
export type ShippingDeadlineOverduePayload = PayloadOf<typeof ShippingDeadlineOverdue>;
