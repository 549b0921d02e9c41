import { type z } from 'zod';

import { ApiError, type ApiTarget, CliError, requestJson } from './seedship-api';

/** The ops console's port when it runs locally (apps/ops-console's PORT default). */
export const DEFAULT_CONSOLE_URL = 'http://127.0.0.1:3200';

/** Exit codes scripts can tell apart (2 is a usage error, as commander's). */
export const EXIT = { failed: 1, usage: 2, refused: 3, notFound: 4 } as const;

export function resolveConsoleUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = flag ?? env['SEEDSHIP_CONSOLE_URL'] ?? DEFAULT_CONSOLE_URL;
  let url: URL;
  try {
    url = new URL(chosen);
  } catch {
    throw new CliError(`"${chosen}" is not a URL; give the ops console as --console-url http://host:port or in SEEDSHIP_CONSOLE_URL.`, EXIT.usage);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new CliError(`The ops console URL must start with http:// or https://, not ${url.protocol}//.`, EXIT.usage);
  }
  return chosen.replace(/\/+$/, '');
}

export function resolveToken(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const token = (flag ?? env['SEEDSHIP_TOKEN'] ?? '').trim();
  if (token === '') {
    throw new CliError(
      'No ops console token: set SEEDSHIP_TOKEN (or pass --token, which other users of this machine can see in the process list). Whoever runs the console issues tokens (CONSOLE_TOKENS).',
      EXIT.usage,
    );
  }
  return token;
}

export interface ConsoleAnswer<T> {
  /** The fields the CLI reads, checked. */
  readonly value: T;
  /** The console's answer as it came, for --json. */
  readonly raw: unknown;
}

/**
 * The ops console's API with a bearer token. Every answer is checked against the schema of what the
 * CLI reads; refusals become messages that say what to change (the token, the role, the id). The token
 * goes only into the Authorization header, never into a message.
 */
export class ConsoleApi {
  private readonly target: ApiTarget;

  constructor(
    readonly baseUrl: string,
    token: string,
  ) {
    this.target = {
      baseUrl,
      name: 'the ops console',
      urlSettings: '--console-url or SEEDSHIP_CONSOLE_URL',
      service: 'ops-console',
      headers: { authorization: `Bearer ${token}` },
    };
  }

  get<S extends z.ZodType>(path: string, schema: S, notFoundHint: string): Promise<ConsoleAnswer<z.output<S>>> {
    return this.send('GET', path, undefined, schema, notFoundHint);
  }

  post<S extends z.ZodType>(path: string, body: unknown, schema: S, notFoundHint: string): Promise<ConsoleAnswer<z.output<S>>> {
    return this.send('POST', path, body, schema, notFoundHint);
  }

  private async send<S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S, notFoundHint: string): Promise<ConsoleAnswer<z.output<S>>> {
    let raw: unknown;
    try {
      raw = await requestJson(this.target, method, path, body);
    } catch (error) {
      if (error instanceof ApiError) throw this.explain(error, notFoundHint);
      throw error;
    }
    const checked = schema.safeParse(raw);
    if (!checked.success) {
      const problems = checked.error.issues.slice(0, 3).map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`);
      throw new CliError(
        `The ops console at ${this.baseUrl} answered ${method} ${path} with a body this CLI does not understand (${problems.join('; ')}); use the seedship CLI of the console's version.`,
      );
    }
    return { value: checked.data, raw };
  }

  private explain(error: ApiError, notFoundHint: string): CliError {
    const said = `${error.status} ${error.code}: ${error.message}`;
    switch (error.status) {
      case 401:
        return new CliError(
          `The ops console at ${this.baseUrl} did not accept the token (${said}). Set a valid token in SEEDSHIP_TOKEN or pass --token.`,
          EXIT.refused,
        );
      case 403:
        return new CliError(`Not allowed (${said}) Set a token with that role in SEEDSHIP_TOKEN or pass --token.`, EXIT.refused);
      case 404:
        // The console's hint names its own route; the command's names the seedship command instead.
        return new CliError([error.message.replace(/;[^;]*GET \/api\/\S+$/, '.'), notFoundHint].filter(Boolean).join(' '), EXIT.notFound);
      default:
        return new CliError(`The ops console refused (${said})`, EXIT.failed);
    }
  }
}
