/**
 * The few members of the platform's (Express) request and response the simulator uses, typed here so
 * the app needs no typings package for the HTTP platform underneath Nest.
 */
export interface HttpRequest {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly protocol: string;
  get(name: string): string | undefined;
}

export interface HttpResponse {
  status(code: number): HttpResponse;
  setHeader(name: string, value: string): HttpResponse;
  json(body: unknown): void;
  end(): void;
}
