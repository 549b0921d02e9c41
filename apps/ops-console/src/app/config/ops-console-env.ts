import { z } from 'zod';

import { commonEnvDocs, commonEnvShape, defineEnv, loadConfig } from '@seedship/config';

import { ROLES, type Role } from '../auth/principal';

export interface TokenEntry {
  readonly subject: string;
  readonly role: Role;
  /** SHA-256 of the bearer token, hex. The token itself is never configured or stored. */
  readonly sha256: string;
}

const tokenEntries = z
  .string()
  .min(1, 'must list at least one token as <subject>:<role>:<sha256 hex>')
  .transform((value, context) => {
    const entries: TokenEntry[] = [];
    for (const [index, raw] of value.split(',').map((part) => part.trim()).filter((part) => part.length > 0).entries()) {
      const [subject = '', role = '', sha256 = '', ...rest] = raw.split(':');
      const problems: string[] = [];
      if (!/^[A-Za-z0-9._@-]{1,128}$/.test(subject)) problems.push('the subject must be 1-128 letters, digits, ".", "_", "@" or "-"');
      if (!(ROLES as readonly string[]).includes(role)) problems.push(`the role must be one of ${ROLES.join(', ')}`);
      if (!/^[0-9a-f]{64}$/.test(sha256)) problems.push('the hash must be 64 lowercase hex digits (printf %s "$TOKEN" | sha256sum)');
      if (rest.length > 0) problems.push('an entry has exactly three parts separated by ":"');
      if (problems.length > 0) {
        context.addIssue({ code: 'custom', message: `entry ${index + 1}: ${problems.join('; ')}` });
        continue;
      }
      entries.push({ subject, role: role as Role, sha256 });
    }
    if (new Set(entries.map((entry) => entry.sha256)).size !== entries.length) {
      context.addIssue({ code: 'custom', message: 'the same token hash is listed twice' });
    }
    return entries;
  });

/** Every variable ops-console reads, validated once at boot. */
export const opsConsoleEnv = defineEnv(
  {
    ...commonEnvShape,
    PORT: z.string().regex(/^[0-9]+$/, 'must be a TCP port number').transform(Number).default(3200),
    CONSOLE_TOKENS: tokenEntries,
    SECRETS_MASTER_KEY: z.string().regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (openssl rand -hex 32)'),
    SESSION_TTL_SECONDS: z.string().regex(/^[1-9][0-9]*$/, 'must be a positive number of seconds').transform(Number).default(8 * 3600),
    SESSION_COOKIE_SECURE: z.enum(['true', 'false']).transform((value) => value === 'true').default(true),
    WEB_ROOT: z.string().min(1).default('dist/apps/ops-console/web'),
    NATS_NAMESPACE: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lowercase letters, digits and dashes').optional(),
  },
  {
    ...commonEnvDocs,
    PORT: { description: 'HTTP port of the console (API, events and web UI)' },
    CONSOLE_TOKENS: {
      description: 'Comma-separated bearer tokens, each <subject>:<role>:<sha256 hex of the token>, the role being viewer, operator or admin',
      sensitive: true,
    },
    SECRETS_MASTER_KEY: {
      description: 'AES-256 master key (64 hex digits) that seals secrets at rest, e.g. BitLocker recovery passwords',
      sensitive: true,
    },
    SESSION_TTL_SECONDS: { description: 'How long a browser session lasts after sign-in' },
    SESSION_COOKIE_SECURE: { description: 'Mark the session cookie Secure (HTTPS only); false only for local HTTP' },
    WEB_ROOT: { description: 'Directory of the built web UI (vite build output), relative to the working directory or absolute' },
    NATS_NAMESPACE: { description: 'Subject namespace on a shared NATS server (tests only; empty in production)' },
  },
);

export type OpsConsoleConfig = z.output<z.ZodObject<typeof opsConsoleEnv.shape>>;

export function parseOpsConsoleConfig(env: NodeJS.ProcessEnv = process.env): OpsConsoleConfig {
  return loadConfig(opsConsoleEnv, env);
}

export const OPS_CONSOLE_CONFIG = Symbol('OPS_CONSOLE_CONFIG');
export const OPS_CONSOLE_LOGGER = Symbol('OPS_CONSOLE_LOGGER');
