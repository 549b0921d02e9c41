import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError, describeEnv } from '@seedship/config';
import { WORKSPACE_ROOT } from '@seedship/testing';

import { azureSimEnv, loadAzureSimConfig } from './azure-sim-config';

describe('azure-sim configuration', () => {
  it('parses storage accounts and flags, with defaults', () => {
    const config = loadAzureSimConfig({
      AZURE_SIM_DATA_DIR: '/var/lib/azure-sim',
      AZURE_SIM_TLS_CERT_FILE: '/c.pem',
      AZURE_SIM_TLS_KEY_FILE: '/k.pem',
      AZURE_SIM_STORAGE_ACCOUNTS: 'seedacct:a2V5;other1:b3RoZXI=',
      AZURE_SIM_ACCEPT_UNENCRYPTED_DRIVES: 'true',
    });
    expect(config.AZURE_SIM_STORAGE_ACCOUNTS).toEqual({ seedacct: 'a2V5', other1: 'b3RoZXI=' });
    expect(config.AZURE_SIM_ACCEPT_UNENCRYPTED_DRIVES).toBe(true);
    expect(config.AZURE_SIM_PORT).toBe(8443);
    expect(config.AZURE_SIM_CARRIER_DELAY_MS).toBeUndefined();
  });

  it('names what is wrong without echoing account keys', () => {
    let error: unknown;
    try {
      loadAzureSimConfig({ AZURE_SIM_STORAGE_ACCOUNTS: 'Bad Name:secret-key-value', AZURE_SIM_PORT: '99999' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('AZURE_SIM_DATA_DIR is not set');
    expect(message).toContain('AZURE_SIM_STORAGE_ACCOUNTS has an invalid value');
    expect(message).not.toContain('secret-key-value');
    expect(message).toContain("AZURE_SIM_PORT is '99999'");
  });

  it('is documented in docs/azure-sim.md exactly as the schema describes it', async () => {
    const doc = await readFile(path.join(WORKSPACE_ROOT, 'docs', 'azure-sim.md'), 'utf8');
    expect(doc).toContain(describeEnv(azureSimEnv));
  });
});
