import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { type TokenEntry } from '../config/ops-console-env';
import { ROLES, type Principal, type Role } from './principal';

export const SESSION_COOKIE = 'seedship_session';

/** The configured bearer tokens, looked up by the SHA-256 of what the caller presents. */
export class TokenRegistry {
  private readonly byHash: ReadonlyMap<string, TokenEntry>;

  constructor(entries: readonly TokenEntry[]) {
    this.byHash = new Map(entries.map((entry) => [entry.sha256, entry]));
  }

  /** The principal for a token, or undefined. Tokens are random and long, so an unsalted hash is enough. */
  verify(token: string): (Principal & { tokenId: string }) | undefined {
    const hash = sha256Hex(token);
    const entry = this.byHash.get(hash);
    if (!entry || !timingSafeEqual(Buffer.from(entry.sha256), Buffer.from(hash))) return undefined;
    return { subject: entry.subject, role: entry.role, via: 'token', issuer: 'token', tokenId: hash.slice(0, 16) };
  }

  /** A session is only as good as the token it came from: revoking the token ends its sessions. */
  stillValid(tokenId: string, subject: string, role: Role): boolean {
    for (const entry of this.byHash.values()) {
      if (entry.sha256.startsWith(tokenId) && entry.subject === subject && entry.role === role) return true;
    }
    return false;
  }
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/**
 * What a browser session carries. Stateless (an HMAC-signed cookie), so any replica can read it.
 * `issuer` is `token` for a token sign-in; an OIDC callback would set the IdP's issuer and its `sub`.
 */
export interface SessionClaims {
  readonly sub: string;
  readonly role: Role;
  readonly issuer: string;
  /** For token sign-ins: the first 16 hex digits of the token's hash. */
  readonly tokenId?: string;
  /** Seconds since the epoch. */
  readonly iat: number;
  readonly exp: number;
}

export class SessionCodec {
  constructor(
    private readonly key: Buffer,
    readonly ttlSeconds: number,
  ) {}

  issue(principal: Principal & { tokenId?: string }, now = new Date()): { cookie: string; claims: SessionClaims } {
    const iat = Math.floor(now.getTime() / 1000);
    const claims: SessionClaims = {
      sub: principal.subject,
      role: principal.role,
      issuer: principal.issuer,
      ...(principal.tokenId ? { tokenId: principal.tokenId } : {}),
      iat,
      exp: iat + this.ttlSeconds,
    };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return { cookie: `${body}.${this.sign(body)}`, claims };
  }

  /** The claims of a well-signed, unexpired cookie value; undefined otherwise. */
  read(value: string, now = new Date()): SessionClaims | undefined {
    const [body, signature, ...rest] = value.split('.');
    if (!body || !signature || rest.length > 0) return undefined;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isClaims(claims) || claims.exp <= Math.floor(now.getTime() / 1000)) return undefined;
    return claims;
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }
}

function isClaims(value: unknown): value is SessionClaims {
  if (typeof value !== 'object' || value === null) return false;
  const claims = value as Record<string, unknown>;
  return (
    typeof claims['sub'] === 'string' &&
    typeof claims['role'] === 'string' &&
    (ROLES as readonly string[]).includes(claims['role']) &&
    typeof claims['issuer'] === 'string' &&
    typeof claims['iat'] === 'number' &&
    typeof claims['exp'] === 'number'
  );
}

/** The value of one cookie from a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}
