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

/** One HTTP API the CLI talks to, described for the messages a person reads when it fails. */
export interface ApiTarget {
  readonly baseUrl: string;
  /** e.g. "the Seedship API", "the ops console". */
  readonly name: string;
  /** Where its URL is set, e.g. "--api or SEEDSHIP_API_URL". */
  readonly urlSettings: string;
  /** The service that should be answering there. */
  readonly service: string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * One JSON request: the parsed body on 2xx, ApiError with the service's code and message otherwise, and a
 * CliError naming the URL and where to set it when nothing answers there.
 */
export async function requestJson(target: ApiTarget, method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(`${target.baseUrl}${path}`, {
      method,
      headers: { accept: 'application/json', ...target.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    const reason = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new CliError(`Cannot reach ${target.name} at ${target.baseUrl} (${reason}); check ${target.urlSettings}, and that ${target.service} is running.`);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new CliError(`${capitalize(target.name)} at ${target.baseUrl} answered ${method} ${path} with ${response.status} and a body that is not JSON; is that URL ${target.name}?`);
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
  return parsed;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * The client of the Seedship API (shipping-tracker). The ops console has its own (ConsoleApi), with a
 * bearer token.
 */
export class SeedshipApi {
  private readonly target: ApiTarget;

  constructor(
    readonly baseUrl: string,
    user: string,
  ) {
    this.target = { baseUrl, name: 'the Seedship API', urlSettings: '--api or SEEDSHIP_API_URL', service: 'shipping-tracker', headers: { 'x-seedship-user': user } };
  }

  async request<T>(method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<T> {
    return (await requestJson(this.target, method, path, body)) as T;
  }
}
