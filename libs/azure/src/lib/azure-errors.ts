/** What the Azure SDKs throw for an HTTP error answer (a RestError), as far as Seedship looks at it. */
export interface AzureCallError extends Error {
  readonly statusCode?: number;
  readonly code?: string;
}

export function isAzureNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'statusCode' in error && error.statusCode === 404;
}

/** A short description of a failed Azure call for logs and status lines: status, code and message. */
export function describeAzureError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const call = error as AzureCallError;
  const parts = [call.statusCode === undefined ? undefined : `HTTP ${call.statusCode}`, call.code].filter((part) => part !== undefined);
  return parts.length > 0 ? `${parts.join(' ')}: ${error.message}` : error.message;
}

/** Azure answered, but not with what the request needs (e.g. a job without an id). */
export class AzureResponseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AzureResponseError';
  }
}
