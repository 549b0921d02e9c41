import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';

import { ArmErrorCode, ArmException } from './arm.exception';
import { type HttpRequest } from './http-types';

/**
 * ARM refuses anonymous calls. The simulator does not validate tokens (there is no tenant), but it does
 * insist on a bearer token so a client that forgot its credential fails here as it would against Azure.
 */
@Injectable()
export class BearerTokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const header = request.headers['authorization'];
    if (typeof header !== 'string' || !/^Bearer \S+$/.test(header)) {
      throw new ArmException(
        ArmErrorCode.AuthenticationFailed,
        "Authentication failed. The 'Authorization' header is missing or is not a bearer token.",
      );
    }
    return true;
  }
}
