import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { type TokenCredential } from '@azure/core-auth';

import { captureLogger, type SelfSignedCertificate, createSelfSignedCertificate } from '@seedship/testing';

import { type AzureSimServer, startAzureSim } from '../app/azure-sim-server';
import { type AzureSimConfig, loadAzureSimConfig } from '../app/config/azure-sim-config';

export interface TestAzureSim {
  readonly url: string;
  readonly dataDir: string;
  /** PEM file of the server certificate, for clients that take a CA file (azure-sim-ctl). */
  readonly caFile: string;
  readonly config: AzureSimConfig;
  /** Options for @azure/arm-* clients: the simulator's endpoint and its certificate as the only trusted CA. */
  readonly clientOptions: { endpoint: string; tlsOptions: { ca: string } };
  /** The server certificate in PEM (the only CA its clients trust). */
  readonly caPem: string;
  readonly credential: TokenCredential;
  /** Everything the simulator logged, as parsed pino records. */
  logRecords(): Array<Record<string, unknown>>;
  /** Stops the server and starts a new one on the same data directory (and port). */
  restart(): Promise<void>;
  close(): Promise<void>;
}

/** A credential that hands the SDK a fixed bearer token; the simulator has no tenant to check it against. */
export const fixedTokenCredential: TokenCredential = {
  getToken: () => Promise.resolve({ token: 'azure-sim-test-token', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** Starts azure-sim in this process on a free port with a fresh data directory and certificate. */
export async function startTestAzureSim(env: Record<string, string> = {}): Promise<TestAzureSim> {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'azure-sim-data-'));
  const certificate: SelfSignedCertificate = await createSelfSignedCertificate();
  const config = loadAzureSimConfig({
    AZURE_SIM_PORT: '0',
    AZURE_SIM_DATA_DIR: dataDir,
    AZURE_SIM_TLS_CERT_FILE: certificate.certFile,
    AZURE_SIM_TLS_KEY_FILE: certificate.keyFile,
    AZURE_SIM_DATABOX_LRO_DELAY_MS: '300',
    LOG_LEVEL: 'warn',
    ...env,
  });
  const { logger, records } = captureLogger('azure-sim');
  let server: AzureSimServer = await startAzureSim(config, logger);
  const url = server.url;
  const port = new URL(url).port;
  return {
    url,
    dataDir,
    caFile: certificate.certFile,
    config,
    clientOptions: { endpoint: url, tlsOptions: { ca: certificate.certPem } },
    caPem: certificate.certPem,
    credential: fixedTokenCredential,
    logRecords: records,
    restart: async () => {
      await server.close();
      server = await startAzureSim({ ...config, AZURE_SIM_PORT: Number(port) }, logger);
    },
    close: async () => {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
      await rm(path.dirname(certificate.certFile), { recursive: true, force: true });
    },
  };
}
