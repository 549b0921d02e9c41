import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { type Logger } from '@seedship/logging';

import { httpStatusOf, ImportOrchestratorException } from './import-orchestrator.exception';

interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

/** Turns errors into JSON bodies that say what was wrong and what to do: `{ error, message, details }`. */
@Catch()
export class ImportOrchestratorExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<JsonResponse>();
    if (exception instanceof ImportOrchestratorException) {
      response.status(httpStatusOf(exception.code)).json({ error: exception.code, message: exception.message, details: exception.details ?? {} });
      return;
    }
    if (exception instanceof HttpException) {
      response.status(exception.getStatus()).json({ error: 'HTTP', message: exception.message, details: {} });
      return;
    }
    this.logger.error({ err: exception }, 'Unhandled error in a request');
    response.status(500).json({ error: 'INTERNAL', message: 'The orchestrator failed unexpectedly; see its log.', details: {} });
  }
}
