import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';

import { OpsConsoleErrorCode, OpsConsoleException } from '../common/ops-console.exception';
import { type AuthenticatedRequest, PUBLIC_ROUTE, REQUIRED_ROLE } from './auth.decorators';
import { SESSION_COOKIE, SessionCodec, TokenRegistry, readCookie } from './credentials';
import { type Principal, type Role, roleAtLeast } from './principal';

/**
 * Every route needs a signed-in caller unless marked public: a bearer token (CLI, scripts) or the
 * session cookie (browser, EventSource). The route's role is the weakest allowed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TokenRegistry) private readonly tokens: TokenRegistry,
    @Inject(SessionCodec) private readonly sessions: SessionCodec,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = this.authenticate(request);
    const required = this.reflector.getAllAndOverride<Role | undefined>(REQUIRED_ROLE, targets) ?? 'viewer';
    if (!roleAtLeast(principal.role, required)) {
      throw new OpsConsoleException(
        OpsConsoleErrorCode.FORBIDDEN,
        `This needs the ${required} role; ${principal.subject} is ${principal.role}. Ask an admin for a token with that role.`,
        { required, role: principal.role },
      );
    }
    request.principal = principal;
    return true;
  }

  authenticate(request: AuthenticatedRequest): Principal {
    const authorization = first(request.headers['authorization']);
    if (authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization);
      const principal = match?.[1] ? this.tokens.verify(match[1]) : undefined;
      if (!principal) {
        throw new OpsConsoleException(
          OpsConsoleErrorCode.UNAUTHENTICATED,
          'The bearer token is not valid; send "Authorization: Bearer <token>" with a token listed in CONSOLE_TOKENS.',
        );
      }
      return principal;
    }
    const cookie = readCookie(first(request.headers['cookie']), SESSION_COOKIE);
    const claims = cookie ? this.sessions.read(cookie) : undefined;
    if (claims && (claims.issuer !== 'token' || (claims.tokenId && this.tokens.stillValid(claims.tokenId, claims.sub, claims.role)))) {
      return { subject: claims.sub, role: claims.role, via: 'session', issuer: claims.issuer };
    }
    throw new OpsConsoleException(
      OpsConsoleErrorCode.UNAUTHENTICATED,
      cookie
        ? 'Your session has expired or was revoked; sign in again.'
        : 'Sign in first: POST /api/session with {"token": "..."}, or send "Authorization: Bearer <token>".',
    );
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
