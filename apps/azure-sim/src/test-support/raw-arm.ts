import https from 'node:https';

import { type TestAzureSim } from './test-azure-sim';

export interface RawArmResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
}

/** One ARM call as raw HTTP (bearer token, JSON), to look at exactly what goes over the wire. */
export function rawArm(sim: TestAzureSim, method: string, pathAndQuery: string, body?: unknown): Promise<RawArmResponse> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const request = https.request(
      `${sim.url}${pathAndQuery}`,
      {
        method,
        ca: sim.clientOptions.tlsOptions.ca,
        headers: {
          authorization: 'Bearer raw-test-token',
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text ? (JSON.parse(text) as unknown) : undefined }),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}
