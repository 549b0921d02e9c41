import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { access, chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ClientCertificate {
  /** Private key and certificate in one PEM: what AZURE_CLIENT_CERTIFICATE_PATH points at (keep it secret). */
  readonly privatePemPath: string;
  /** The public certificate to upload to the Entra ID application. */
  readonly publicCerPath: string;
  /** SHA-1 thumbprint, as Entra ID shows it. */
  readonly thumbprint: string;
  readonly subject: string;
  readonly validTo: string;
}

export class ClientCertificateError extends Error {}

/**
 * The Linux counterpart of AzureOfflineBackupCertGen: a key pair and a self-signed certificate for the
 * service principal the orchestrator signs in as. Refuses to overwrite existing files.
 */
export async function createClientCertificate(options: { directory: string; name: string; days: number }): Promise<ClientCertificate> {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(options.name)) {
    throw new ClientCertificateError(`Name '${options.name}' must be 1-63 letters, digits, dots, dashes or underscores; it becomes the certificate's CN.`);
  }
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 825) {
    throw new ClientCertificateError(`Validity ${options.days} days is out of range; give 1 to 825 days (renew before it ends).`);
  }
  const privatePemPath = join(options.directory, `${options.name}.pem`);
  const publicCerPath = join(options.directory, `${options.name}.cer`);
  for (const path of [privatePemPath, publicCerPath]) {
    if (await access(path).then(() => true, () => false)) {
      throw new ClientCertificateError(`${path} already exists; nothing was changed. Choose another name or directory, or remove the old files first.`);
    }
  }
  const work = await mkdtemp(join(tmpdir(), 'seedship-cert-'));
  try {
    const key = join(work, 'key.pem');
    const cert = join(work, 'cert.pem');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:3072', '-nodes', '-keyout', key, '-out', cert, '-days', String(options.days), '-subj', `/CN=${options.name}`, '-sha256']);
    const certPem = await readFile(cert, 'utf8');
    await writeFile(privatePemPath, `${await readFile(key, 'utf8')}${certPem}`, { mode: 0o600, flag: 'wx' });
    await chmod(privatePemPath, 0o600);
    await writeFile(publicCerPath, certPem, { flag: 'wx' });
    const parsed = new X509Certificate(certPem);
    return {
      privatePemPath,
      publicCerPath,
      thumbprint: parsed.fingerprint.replace(/:/g, ''),
      subject: parsed.subject,
      validTo: new Date(parsed.validTo).toISOString(),
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
