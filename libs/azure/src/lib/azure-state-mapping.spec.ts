import { knownAzureStates, meaningOf } from './azure-state-mapping';

const ie = (azureState: string, driveStates: string[] = [], cancelRequested = false) =>
  meaningOf({ provider: 'IMPORT_EXPORT', azureState, cancelRequested, drives: driveStates.map((state) => ({ driveId: 'D', state })) });
const db = (azureState: string) => meaningOf({ provider: 'DATABOX_CUSTOMER_DISK', azureState, cancelRequested: false, drives: [] });

describe('Azure state mapping', () => {
  it('maps Import/Export job states in order, and flags problem drives', () => {
    expect(['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed'].map((state) => ie(state))).toEqual(
      ['IMPORT_JOB_CREATED', 'SHIPPING', 'RECEIVED', 'TRANSFERRING', 'PACKAGING', 'IMPORT_COMPLETED'].map((state) => ({ kind: 'state', state, withProblems: false })),
    );
    expect(ie('Completed', ['Completed', 'CompletedMoreInfo'])).toEqual({ kind: 'state', state: 'IMPORT_COMPLETED', withProblems: true });
    expect(ie('Shipping', [], true)).toEqual({ kind: 'state', state: 'CANCELLED', withProblems: false });
  });

  it('maps Data Box customer-disk stages, failures and errors', () => {
    expect(db('AwaitingShipmentDetails')).toMatchObject({ state: 'IMPORT_JOB_CREATED' });
    expect(db('DataCopy')).toMatchObject({ state: 'TRANSFERRING' });
    expect(db('CompletedWithErrors')).toEqual({ kind: 'state', state: 'IMPORT_COMPLETED', withProblems: true });
    expect(db('Failed_IssueDetectedAtAzureDC')).toMatchObject({ kind: 'failed' });
    expect(db('Cancelled')).toMatchObject({ state: 'CANCELLED' });
  });

  it('never guesses a state it does not know', () => {
    expect(ie('Exploded')).toEqual({ kind: 'unknown' });
    expect(db('Dispatched')).toEqual({ kind: 'unknown' });
    expect(knownAzureStates('IMPORT_EXPORT')).not.toContain('Exploded');
  });
});
