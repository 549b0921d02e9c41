/** Roles, weakest first: each role may do everything the ones before it may. */
export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}

/**
 * Who is asking. Bearer tokens and browser sessions resolve to the same shape; an OIDC sign-in will
 * produce it too (issuer set, subject from the ID token's `sub`, role from a mapped group claim).
 */
export interface Principal {
  readonly subject: string;
  readonly role: Role;
  readonly via: 'token' | 'session';
  /** Where the identity came from: `token` for configured tokens; an OIDC issuer URL later. */
  readonly issuer: string;
}

/** The timeline's actor for a person: `user:<subject>`. */
export function actorOf(principal: Principal): string {
  return `user:${principal.subject}`;
}
