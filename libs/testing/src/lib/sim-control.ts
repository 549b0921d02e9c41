import https from 'node:https';

/** Where an azure-sim listens and the CA its certificate chains to. */
export interface AzureSimEndpoint {
  readonly url: string;
  readonly caPem: string;
}

export interface ControlResponse {
  readonly status: number;
  readonly body: unknown;
}

/** A client for azure-sim's own control API (drive registration, faults, carrier delivery). */
export function simControl(sim: AzureSimEndpoint) {
  const call = (method: string, route: string, body?: unknown): Promise<ControlResponse> =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const request = https.request(
        `${sim.url}/azure-sim/${route}`,
        {
          method,
          ca: sim.caPem,
          headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined }));
        },
      );
      request.on('error', reject);
      request.end(payload);
    });
  const expectOk = async (response: Promise<ControlResponse>): Promise<unknown> => {
    const { status, body } = await response;
    if (status >= 300) throw new Error(`azure-sim control API answered ${status}: ${JSON.stringify(body)}`);
    return body;
  };
  return {
    call,
    registerDrive: (driveId: string, imagePath: string) => expectOk(call('PUT', `drives/${encodeURIComponent(driveId)}`, { imagePath })),
    setFaults: (driveId: string, faults: Record<string, unknown>) => expectOk(call('PUT', `drives/${encodeURIComponent(driveId)}/faults`, faults)),
    deliver: (trackingNumber: string) => expectOk(call('POST', `packages/${encodeURIComponent(trackingNumber)}/deliver`)),
  };
}
