import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';

import { PUBLIC_ROUTE } from '@seedship/health';

import { type Principal, type Role } from './principal';

export const REQUIRED_ROLE = 'seedship:required-role';
export { PUBLIC_ROUTE };

/** The weakest role allowed to call the route (default: viewer, i.e. anyone signed in). */
export const RequireRole = (role: Role) => SetMetadata(REQUIRED_ROLE, role);

/** No sign-in needed (health, sign-in itself, the OpenAPI document). */
export const PublicRoute = () => SetMetadata(PUBLIC_ROUTE, true);

export interface AuthenticatedRequest {
  principal?: Principal;
  headers: Record<string, string | string[] | undefined>;
}

/** The caller, as the guard resolved it. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a public route');
  return request.principal;
});
