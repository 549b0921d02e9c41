/** Where the CLI finds the Seedship API: --api, else SEEDSHIP_API_URL, else the local default. */
export const DEFAULT_API_URL = 'http://127.0.0.1:3100';

export function resolveApiUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  const chosen = flag ?? env['SEEDSHIP_API_URL'] ?? DEFAULT_API_URL;
  let url: URL;
  try {
    url = new URL(chosen);
  } catch {
    throw new CliError(`"${chosen}" is not a URL; give the Seedship API as --api http://host:port or in SEEDSHIP_API_URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`The Seedship API URL must start with http:// or https://, not ${url.protocol}//.`);
  return chosen.replace(/\/+$/, '');
}

/** An error the CLI reports as one clear message (no stack) and exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** The API refused a request: its error code, message and details, as the services send them. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface ErrorBody {
  error?: unknown;
  message?: unknown;
  details?: unknown;
}

/**
 * The HTTP client every command uses. Commands for other parts (jobs, drives, nodes) add their own typed
 * wrappers on top of `request`, as ShippingApi does.
 */
export class SeedshipApi {
  constructor(
    readonly baseUrl: string,
    private readonly user: string,
  ) {}

  async request<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: { accept: 'application/json', 'x-seedship-user': this.user, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (error) {
      const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new CliError(`Cannot reach the Seedship API at ${this.baseUrl} (${reason}); check --api or SEEDSHIP_API_URL, and that shipping-tracker is running.`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(`The Seedship API at ${this.baseUrl} answered ${method} ${path} with ${response.status} and a body that is not JSON; is that URL the Seedship API?`);
    }
    if (!response.ok) {
      const error = (parsed ?? {}) as ErrorBody;
      throw new ApiError(
        response.status,
        typeof error.error === 'string' ? error.error : `HTTP_${response.status}`,
        typeof error.message === 'string' ? error.message : `${method} ${path} failed with HTTP ${response.status}.`,
        typeof error.details === 'object' && error.details !== null ? (error.details as Record<string, unknown>) : {},
      );
    }
    return parsed as T;
  }
}
