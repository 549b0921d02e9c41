/**
 * azure-sim-ctl: the datacenter's control API from a terminal (demo and manual testing).
 *
 *   AZURE_SIM_URL=https://127.0.0.1:8443 AZURE_SIM_CA_FILE=cert.pem azure-sim-ctl <command>
 *     register <driveId> <imagePath>   register a drive image for a serial number
 *     faults <driveId> <json>          set fault switches, e.g. '{"wrongBitLockerKey":true}'
 *     deliver <trackingNumber>         the carrier delivers the package with this tracking number
 *     shipments                        list packages and their drives (no keys)
 *     drives                           list registered drive images
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import path from 'node:path';

const usage = 'usage: azure-sim-ctl register <driveId> <imagePath> | faults <driveId> <json> | deliver <trackingNumber> | shipments | drives';

function call(method: string, route: string, body?: unknown): Promise<{ status: number; text: string }> {
  const base = process.env['AZURE_SIM_URL'] ?? 'https://127.0.0.1:8443';
  const caFile = process.env['AZURE_SIM_CA_FILE'];
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${base}/azure-sim/${route}`,
      {
        method,
        ...(caFile ? { ca: readFileSync(caFile) } : {}),
        headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

async function main(argv: string[]): Promise<number> {
  const [command, first, second] = argv;
  let response: { status: number; text: string };
  switch (command) {
    case 'register':
      if (!first || !second) break;
      response = await call('PUT', `drives/${encodeURIComponent(first)}`, { imagePath: path.resolve(second) });
      return report(response);
    case 'faults':
      if (!first || !second) break;
      response = await call('PUT', `drives/${encodeURIComponent(first)}/faults`, JSON.parse(second) as unknown);
      return report(response);
    case 'deliver':
      if (!first) break;
      return report(await call('POST', `packages/${encodeURIComponent(first)}/deliver`));
    case 'shipments':
    case 'drives':
      return report(await call('GET', command));
    case undefined:
    default:
      break;
  }
  console.error(usage);
  return 2;
}

function report(response: { status: number; text: string }): number {
  const output = response.text ? JSON.stringify(JSON.parse(response.text), null, 2) : '';
  if (response.status >= 300) {
    console.error(`azure-sim answered ${response.status}: ${output}`);
    return 1;
  }
  console.log(output);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`azure-sim-ctl failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
