import { Catch } from '@nestjs/common';

import { JobTransitionError } from '@seedship/domain';
import { ConcurrentJobUpdateError, JobNotFoundError } from '@seedship/jobs';
import { type Logger } from '@seedship/logging';
import { JsonErrorFilter, type RefusedRequest } from '@seedship/nest-service';

import { OpsConsoleErrorCode, OpsConsoleException, httpStatusOf } from './ops-console.exception';

/** Turns errors into JSON bodies that say what was wrong and what to do: `{ error, message, details }`. */
@Catch()
export class OpsConsoleExceptionFilter extends JsonErrorFilter {
  constructor(logger: Logger) {
    super(logger, 'The console failed unexpectedly; see its log.');
  }

  protected refusal(exception: unknown): RefusedRequest | undefined {
    const known = toConsoleException(exception);
    if (!known) return undefined;
    return { status: httpStatusOf(known.code), code: known.code, message: known.message, details: known.details };
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
