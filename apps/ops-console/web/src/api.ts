/** A failed API call, with the server's explanation (`{ error, message }`). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Calls the console API with the session cookie. */
export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const response = await fetch(path, {
    method: options.method ?? 'GET',
    credentials: 'same-origin',
    headers: options.body !== undefined ? { 'content-type': 'application/json' } : {},
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  const body: unknown = text.length > 0 ? JSON.parse(text) : {};
  if (!response.ok) {
    const problem = body as { error?: string; message?: string };
    throw new ApiError(response.status, problem.error ?? 'HTTP', problem.message ?? `HTTP ${response.status}`);
  }
  return body as T;
}
