/** What the Azure SDK throws for an ARM error response (a RestError), as far as tests look at it. */
export interface ArmCallError extends Error {
  readonly statusCode: number;
  readonly code: string;
}

/** Awaits a call that must fail with an ARM error and returns that error; fails the test otherwise. */
export async function armError(promise: Promise<unknown>): Promise<ArmCallError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error && 'statusCode' in error && typeof error.statusCode === 'number' && 'code' in error) {
      return error as ArmCallError;
    }
    throw error;
  }
  throw new Error('the call succeeded, but an ARM error was expected');
}
