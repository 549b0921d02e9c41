import { type ArgumentsHost, type ExceptionFilter, HttpException } from '@nestjs/common';

import { type Logger } from '@seedship/logging';

/** A request the service refused on purpose: the status, a code scripts can test, and what to do. */
export interface RefusedRequest {
  readonly status: number;
  readonly code: string;
  readonly message: string;
  readonly details?: Record<string, unknown>;
}

interface JsonResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

/**
 * Turns errors into the one JSON body every Seedship API answers with, `{ error, message, details }`:
 * the service's own refusals with their status, Nest's HTTP errors as they are, anything else a logged
 * 500. A service subclasses it (with `@Catch()`) and says which of its errors are refusals.
 */
export abstract class JsonErrorFilter implements ExceptionFilter {
  protected constructor(
    private readonly logger: Logger,
    /** The 500 message, e.g. "The ingest service failed unexpectedly; see its log." */
    private readonly unexpectedMessage: string,
  ) {}

  /** The service's refusal this error stands for, if it is one. */
  protected abstract refusal(exception: unknown): RefusedRequest | undefined;

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    // A stream that failed after its answer began cannot get a second one.
    if (response.headersSent) return;
    const refused = this.refusal(exception);
    if (refused) {
      response.status(refused.status).json({ error: refused.code, message: refused.message, details: refused.details ?? {} });
      return;
    }
    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json({ error: 'HTTP', message: exception.message, details: {} });
      return;
    }
    this.logger.error({ err: exception }, 'Unhandled error in a request');
    response.status(500).json({ error: 'INTERNAL', message: this.unexpectedMessage, details: {} });
  }
}
