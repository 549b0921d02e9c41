import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createClientCertificate } from './client-certificate';

describe('createClientCertificate', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'cert-gen-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('writes a private PEM (key + certificate, owner-only) and the public certificate, and reports its thumbprint', async () => {
    const created = await createClientCertificate({ directory, name: 'seedship-orchestrator', days: 30 });
    const privatePem = await readFile(created.privatePemPath, 'utf8');
    expect(createPrivateKey(privatePem).asymmetricKeyType).toBe('rsa');
    expect((await stat(created.privatePemPath)).mode & 0o777).toBe(0o600);
    const certificate = new X509Certificate(await readFile(created.publicCerPath, 'utf8'));
    expect(certificate.subject).toBe('CN=seedship-orchestrator');
    expect(certificate.fingerprint.replace(/:/g, '')).toBe(created.thumbprint);
    expect(certificate.checkPrivateKey(createPrivateKey(privatePem))).toBe(true);
    expect(Date.parse(created.validTo) - Date.now()).toBeGreaterThan(29 * 86_400_000);
  });

  it('refuses to overwrite, and bad names or validity, changing nothing', async () => {
    const first = await createClientCertificate({ directory, name: 'once', days: 1 });
    const before = await readFile(first.privatePemPath, 'utf8');
    await expect(createClientCertificate({ directory, name: 'once', days: 1 })).rejects.toThrow(/already exists; nothing was changed/);
    expect(await readFile(first.privatePemPath, 'utf8')).toBe(before);
    await expect(createClientCertificate({ directory, name: 'bad name', days: 1 })).rejects.toThrow(/must be 1-63 letters/);
    await expect(createClientCertificate({ directory, name: 'ok', days: 0 })).rejects.toThrow(/give 1 to 825 days/);
  });
});
