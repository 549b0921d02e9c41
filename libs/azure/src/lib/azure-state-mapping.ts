import { type JobState } from '@seedship/domain';

import { type ImportJobObservation, type ImportProviderKind } from './import-provider';

/** What an Azure job state means for a Seedship job. Unknown states are never guessed. */
export type AzureStateMeaning =
  | { readonly kind: 'state'; readonly state: JobState; readonly withProblems: boolean }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'unknown' };

/** Microsoft.ImportExport job states (documented order: Creating .. Completed, then Closed). */
const IMPORT_EXPORT_JOB_STATES: Readonly<Record<string, JobState>> = {
  Creating: 'IMPORT_JOB_CREATED',
  Shipping: 'SHIPPING',
  Received: 'RECEIVED',
  Transferring: 'TRANSFERRING',
  Packaging: 'PACKAGING',
  Completed: 'IMPORT_COMPLETED',
  // Drives shipped back: the copy finished earlier.
  Closed: 'IMPORT_COMPLETED',
};

/** Import/Export drive states that mean the drive needs a look (its blobs may be missing or wrong). */
const IMPORT_EXPORT_PROBLEM_DRIVE_STATES = new Set(['CompletedMoreInfo', 'NeverReceived']);

/** DataBoxStageName values a customer-disk job passes through, in order. */
const DATA_BOX_STAGES: Readonly<Record<string, JobState>> = {
  DeviceOrdered: 'IMPORT_JOB_CREATED',
  AwaitingShipmentDetails: 'IMPORT_JOB_CREATED',
  ShippedToAzureDC: 'SHIPPING',
  ReadyToReceiveAtAzureDC: 'SHIPPING',
  AtAzureDC: 'RECEIVED',
  DataCopy: 'TRANSFERRING',
  PreparingToShipFromAzureDC: 'PACKAGING',
  ShippedToCustomer: 'IMPORT_COMPLETED',
  Completed: 'IMPORT_COMPLETED',
  CompletedWithErrors: 'IMPORT_COMPLETED',
  CompletedWithWarnings: 'IMPORT_COMPLETED',
  Cancelled: 'CANCELLED',
};
const DATA_BOX_PROBLEM_STAGES = new Set(['CompletedWithErrors', 'CompletedWithWarnings']);
const DATA_BOX_FAILED_STAGES: Readonly<Record<string, string>> = {
  Failed_IssueDetectedAtAzureDC: 'Azure reports an issue with the disks at the datacenter (Failed_IssueDetectedAtAzureDC); see the copy logs',
  Aborted: 'Azure aborted the Data Box job (Aborted)',
};

/** Maps an observation of an Azure job onto the Seedship state it stands for. */
export function meaningOf(observation: Pick<ImportJobObservation, 'provider' | 'azureState' | 'cancelRequested' | 'drives'>): AzureStateMeaning {
  return observation.provider === 'IMPORT_EXPORT' ? importExportMeaning(observation) : dataBoxMeaning(observation.azureState);
}

function importExportMeaning(observation: Pick<ImportJobObservation, 'azureState' | 'cancelRequested' | 'drives'>): AzureStateMeaning {
  const state = IMPORT_EXPORT_JOB_STATES[observation.azureState];
  if (!state) return { kind: 'unknown' };
  // A cancelled Import/Export job keeps its state and sets cancelRequested.
  if (observation.cancelRequested && (state === 'IMPORT_JOB_CREATED' || state === 'SHIPPING')) {
    return { kind: 'state', state: 'CANCELLED', withProblems: false };
  }
  const withProblems = observation.drives.some((drive) => IMPORT_EXPORT_PROBLEM_DRIVE_STATES.has(drive.state));
  return { kind: 'state', state, withProblems };
}

function dataBoxMeaning(stage: string): AzureStateMeaning {
  const failed = DATA_BOX_FAILED_STAGES[stage];
  if (failed) return { kind: 'failed', reason: failed };
  const state = DATA_BOX_STAGES[stage];
  if (!state) return { kind: 'unknown' };
  return { kind: 'state', state, withProblems: DATA_BOX_PROBLEM_STAGES.has(stage) };
}

/** The Azure states each provider documents, for docs and tests. */
export function knownAzureStates(provider: ImportProviderKind): readonly string[] {
  return provider === 'IMPORT_EXPORT'
    ? Object.keys(IMPORT_EXPORT_JOB_STATES)
    : [...Object.keys(DATA_BOX_STAGES), ...Object.keys(DATA_BOX_FAILED_STAGES)];
}
