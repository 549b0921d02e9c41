import { z } from 'zod';

import { jobState, uuid } from '../common';
import { defineMessage, type PayloadOf } from '../message-contract';

export const OrchestrationJobAzureStatus = defineMessage(
  'orchestration.job.azure-status.v1',
  z.object({
    jobId: uuid,
    /** Azure's job state (Import/Export) or stage (Data Box), verbatim. */
    azureState: z.string().min(1),
    percentComplete: z.number().int().min(0).max(100).optional(),
    /** Our state it stands for; absent when Azure reported a state we do not know. */
    mappedState: jobState.optional(),
    unmapped: z.boolean(),
    /** What the job shows operators while it waits for Azure. */
    statusLine: z.string().min(1),
    drives: z.array(
      z.object({
        driveId: z.string().min(1),
        state: z.string().min(1),
        copyStatus: z.string().optional(),
        percentComplete: z.number().int().min(0).max(100).optional(),
        errorLogUri: z.string().optional(),
        verboseLogUri: z.string().optional(),
      }),
    ),
  }),
  'Azure reported a change in an import job or one of its drives.',
);
export type OrchestrationJobAzureStatusPayload = PayloadOf<typeof OrchestrationJobAzureStatus>;
