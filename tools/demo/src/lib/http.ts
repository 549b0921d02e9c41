/** A JSON call to one of the services' public HTTP APIs; any status but the expected ones throws with the body. */
export async function api<T = Record<string, unknown>>(
  method: string,
  url: string,
  options: { body?: unknown; token?: string; expect?: readonly number[] } = {},
): Promise<T> {
  const headers: Record<string, string> = {};
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.token) headers['authorization'] = `Bearer ${options.token}`;
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  const expected = options.expect ?? [200, 201, 202];
  if (!expected.includes(response.status)) throw new Error(`${method} ${url} answered ${response.status}: ${text.slice(0, 2000)}`);
  return (text ? JSON.parse(text) : {}) as T;
}
