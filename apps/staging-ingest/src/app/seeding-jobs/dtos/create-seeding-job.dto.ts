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

export type ImportProviderName = 'IMPORT_EXPORT' | 'DATABOX_CUSTOMER_DISK';

/** The body of POST /seeding-jobs; a job that names no provider gets the configured default. */
export const seedingJobSchemaFor = (defaultProvider: ImportProviderName) => z
  .object({
    importJobName: z.string(),
    provider: z.enum(['IMPORT_EXPORT', 'DATABOX_CUSTOMER_DISK']).default(defaultProvider),
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

export const createSeedingJobSchema = seedingJobSchemaFor('DATABOX_CUSTOMER_DISK');

export type CreateSeedingJobDto = z.output<typeof createSeedingJobSchema>;
