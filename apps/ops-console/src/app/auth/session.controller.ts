import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCookieAuth, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';

import { type SessionView, errorSchema, sessionSchema, signInBody } from '../api/api-schemas';
import { openApiSchema } from '../api/openapi';
import { OpsConsoleErrorCode, OpsConsoleException } from '../common/ops-console.exception';
import { parseInput } from '../common/parse-input';
import { OPS_CONSOLE_CONFIG, type OpsConsoleConfig } from '../config/ops-console-env';
import { CurrentPrincipal, PublicRoute } from './auth.decorators';
import { SESSION_COOKIE, SessionCodec, TokenRegistry } from './credentials';
import { type Principal } from './principal';

interface CookieResponse {
  cookie(name: string, value: string, options: Record<string, unknown>): void;
  clearCookie(name: string, options: Record<string, unknown>): void;
}

@ApiTags('session')
@Controller('api/session')
export class SessionController {
  constructor(
    @Inject(TokenRegistry) private readonly tokens: TokenRegistry,
    @Inject(SessionCodec) private readonly sessions: SessionCodec,
    @Inject(OPS_CONSOLE_CONFIG) private readonly config: OpsConsoleConfig,
  ) {}

  @Post()
  @PublicRoute()
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with a token; sets the HttpOnly session cookie the web UI and EventSource use' })
  @ApiOkResponse({ schema: openApiSchema(sessionSchema) })
  @ApiUnauthorizedResponse({ schema: openApiSchema(errorSchema) })
  signIn(@Body() body: unknown, @Res({ passthrough: true }) response: CookieResponse): SessionView {
    const { token } = parseInput(signInBody, body);
    const principal = this.tokens.verify(token);
    if (!principal) {
      throw new OpsConsoleException(OpsConsoleErrorCode.UNAUTHENTICATED, 'That token is not valid; check it was copied whole, or ask an admin for a new one.');
    }
    const { cookie, claims } = this.sessions.issue(principal);
    response.cookie(SESSION_COOKIE, cookie, {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.config.SESSION_COOKIE_SECURE,
      path: '/',
      maxAge: this.sessions.ttlSeconds * 1000,
    });
    return { subject: claims.sub, role: claims.role, via: 'session', issuer: claims.issuer, expiresAt: new Date(claims.exp * 1000).toISOString() };
  }

  @Get()
  @ApiBearerAuth()
  @ApiCookieAuth()
  @ApiOperation({ summary: 'Who is signed in, with which role' })
  @ApiOkResponse({ schema: openApiSchema(sessionSchema) })
  whoAmI(@CurrentPrincipal() principal: Principal): SessionView {
    return { subject: principal.subject, role: principal.role, via: principal.via, issuer: principal.issuer, expiresAt: null };
  }

  @Delete()
  @PublicRoute()
  @HttpCode(204)
  @ApiOperation({ summary: 'Sign out (clears the session cookie)' })
  signOut(@Res({ passthrough: true }) response: CookieResponse): void {
    response.clearCookie(SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'strict', secure: this.config.SESSION_COOKIE_SECURE });
  }
}
