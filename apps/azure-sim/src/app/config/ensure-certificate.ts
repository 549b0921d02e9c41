import { execFile } from 'node:child_process';
import { access, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * For local runs and the demo: when neither the certificate nor the key file exists, makes a
 * self-signed pair for 127.0.0.1/localhost there with openssl, so clients can trust the certificate
 * file (SDK `tlsOptions.ca`). Returns true when it created them. Existing files are never replaced.
 */
export async function ensureCertificate(certFile: string, keyFile: string): Promise<boolean> {
  const [certExists, keyExists] = await Promise.all([exists(certFile), exists(keyFile)]);
  if (certExists && keyExists) return false;
  if (certExists !== keyExists) {
    throw new Error(`Only one of ${certFile} and ${keyFile} exists; provide both, or neither to have azure-sim create a pair.`);
  }
  await mkdir(path.dirname(certFile), { recursive: true });
  await mkdir(path.dirname(keyFile), { recursive: true });
  await run('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', keyFile, '-out', certFile, '-days', '365', '-subj', '/CN=azure-sim',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ]);
  return true;
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
