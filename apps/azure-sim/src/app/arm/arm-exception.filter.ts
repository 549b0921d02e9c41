import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';

import { type Logger } from '@seedship/logging';

import { DatacenterException } from '../datacenter/datacenter.exception';

import { ArmErrorCode, ArmException } from './arm.exception';
import { type HttpResponse } from './http-types';

/**
 * Every refusal leaves as an ARM error body, whatever threw it: ArmException as is, Nest's own HTTP
 * errors (unknown route, unparsable JSON) translated, anything else as InternalServerError and logged.
 */
@Catch()
export class ArmExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<HttpResponse>();
    if (exception instanceof DatacenterException) {
      response.status(exception.status).json({ error: { code: exception.code, message: exception.message } });
      return;
    }
    const arm = this.toArm(exception);
    response.status(arm.status).json(arm.toBody());
  }

  private toArm(exception: unknown): ArmException {
    if (exception instanceof ArmException) return exception;
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) {
        return new ArmException(ArmErrorCode.ResourceNotFound, `No route or resource matches this request: ${exception.message}`);
      }
      if (status === 400 || status === 413 || status === 415) {
        return new ArmException(ArmErrorCode.InvalidRequestContent, `The request content was invalid: ${exception.message}`);
      }
    }
    this.logger.error({ err: exception }, 'unexpected error in azure-sim');
    return new ArmException(ArmErrorCode.InternalServerError, 'The simulator failed while handling the request; see its log.');
  }
}
