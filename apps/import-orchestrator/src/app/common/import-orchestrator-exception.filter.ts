import { Catch } from '@nestjs/common';

import { type Logger } from '@seedship/logging';
import { JsonErrorFilter, type RefusedRequest } from '@seedship/nest-service';

import { httpStatusOf, ImportOrchestratorException } from './import-orchestrator.exception';

/** Turns errors into JSON bodies that say what was wrong and what to do: `{ error, message, details }`. */
@Catch()
export class ImportOrchestratorExceptionFilter extends JsonErrorFilter {
  constructor(logger: Logger) {
    super(logger, 'The orchestrator failed unexpectedly; see its log.');
  }

  protected refusal(exception: unknown): RefusedRequest | undefined {
    if (!(exception instanceof ImportOrchestratorException)) return undefined;
    return { status: httpStatusOf(exception.code), code: exception.code, message: exception.message, details: exception.details };
  }
}
