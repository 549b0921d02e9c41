import { z } from 'zod';

import {
  containerNameProblems,
  importJobNameProblems,
  locationProblems,
  resourceGroupProblems,
  storageAccountProblems,
  subscriptionIdProblems,
} from '../azure-names';

function rule(check: (value: string) => string[]) {
  return z.string().superRefine((value, context) => {
    for (const problem of check(value)) context.addIssue({ code: 'custom', message: problem });
  });
}

/** The body of POST /seeding-jobs. */
export const createSeedingJobSchema = z
  .object({
    importJobName: z.string(),
    provider: z.enum(['IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK']).default('DATABOX_CUSTOMER_DISK'),
    subscriptionId: rule(subscriptionIdProblems),
    resourceGroup: rule(resourceGroupProblems),
    storageAccount: rule(storageAccountProblems),
    container: rule(containerNameProblems),
    location: rule(locationProblems),
    stagingLocation: z.string().startsWith('/', 'must be an absolute path on the staging volume'),
  })
  .strict()
  .superRefine((body, context) => {
    for (const problem of importJobNameProblems(body.importJobName, body.provider)) {
      context.addIssue({ code: 'custom', path: ['importJobName'], message: problem });
    }
  });

export type CreateSeedingJobDto = z.output<typeof createSeedingJobSchema>;
