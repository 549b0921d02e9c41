import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SelfSignedCertificate {
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate in PEM, to trust in the SDK clients' `tlsOptions.ca`. */
  readonly certPem: string;
}

/** A throwaway certificate for 127.0.0.1 and localhost, made with openssl for one test run. */
export async function createSelfSignedCertificate(): Promise<SelfSignedCertificate> {
  const directory = await mkdtemp(path.join(os.tmpdir(), 'azure-sim-tls-'));
  const certFile = path.join(directory, 'cert.pem');
  const keyFile = path.join(directory, 'key.pem');
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '2', '-subj', '/CN=azure-sim',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return { certFile, keyFile, certPem: await readFile(certFile, 'utf8') };
}
