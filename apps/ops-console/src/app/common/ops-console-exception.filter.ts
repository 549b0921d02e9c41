import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';

import { JobTransitionError } from '@seedship/domain';
import { ConcurrentJobUpdateError, JobNotFoundError } from '@seedship/jobs';
import { type Logger } from '@seedship/logging';

import { OpsConsoleErrorCode, OpsConsoleException, httpStatusOf } from './ops-console.exception';

interface JsonResponse {
  headersSent: boolean;
  status(code: number): { json(body: unknown): void };
}

/** Turns errors into JSON bodies that say what was wrong and what to do: `{ error, message, details }`. */
@Catch()
export class OpsConsoleExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (response.headersSent) return;
    const known = toConsoleException(exception);
    if (known) {
      response.status(httpStatusOf(known.code)).json({ error: known.code, message: known.message, details: known.details ?? {} });
      return;
    }
    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json({ error: 'HTTP', message: exception.message, details: {} });
      return;
    }
    this.logger.error({ err: exception }, 'Unhandled error in a request');
    response.status(500).json({ error: 'INTERNAL', message: 'The console failed unexpectedly; see its log.', details: {} });
  }
}

/** The domain's and libs/jobs' errors already say what to do; they only need a status. */
function toConsoleException(exception: unknown): OpsConsoleException | undefined {
  if (exception instanceof OpsConsoleException) return exception;
  if (exception instanceof JobTransitionError) return new OpsConsoleException(OpsConsoleErrorCode.WRONG_STATE, exception.message);
  if (exception instanceof JobNotFoundError) return new OpsConsoleException(OpsConsoleErrorCode.NOT_FOUND, exception.message);
  if (exception instanceof ConcurrentJobUpdateError) {
    return new OpsConsoleException(OpsConsoleErrorCode.CONCURRENT_UPDATE, exception.message);
  }
  return undefined;
}
