import { z } from 'zod';

import { JOB_STATES } from '@seedship/domain';

export const uuid = z.uuid();
export const jobState = z.enum(JOB_STATES);
/** Byte counts travel as decimal strings: drives hold more than 2^53 bytes in aggregate. */
export const byteCount = z.string().regex(/^(0|[1-9][0-9]*)$/, 'must be a non-negative integer in decimal');
export const isoTimestamp = z.iso.datetime({ offset: true });
/** `system:<service>` or `user:<subject>`: who caused a change, for the job timeline. */
export const actor = z.string().regex(/^(system|user):[^\s]+$/, 'must be system:<service> or user:<subject>');
