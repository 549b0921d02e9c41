import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { ConfigError, describeEnv } from '@seedship/config';
import { WORKSPACE_ROOT } from '@seedship/testing';

import { importOrchestratorEnv, parseImportOrchestratorConfig } from './import-orchestrator-env';

const valid = {
  DATABASE_URL: 'postgresql://seedship@db/seedship',
  NATS_URL: 'nats://nats:4222',
  SECRETS_MASTER_KEY: Buffer.alloc(32, 7).toString('hex'),
  AZURE_AUTH: 'client-secret',
  RETURN_RECIPIENT_NAME: 'Ops',
  RETURN_STREET_ADDRESS1: '1 Lane',
  RETURN_CITY: 'Redmond',
  RETURN_POSTAL_CODE: '98052',
  RETURN_COUNTRY_OR_REGION: 'USA',
  RETURN_COUNTRY_CODE: 'US',
  RETURN_PHONE: '4250000000',
  RETURN_EMAIL: 'ops@example.com',
  RETURN_CARRIER_NAME: 'FedEx',
  RETURN_CARRIER_ACCOUNT_NUMBER: '42',
};

describe('import-orchestrator configuration', () => {
  it('parses keys, crash points and defaults', () => {
    const config = parseImportOrchestratorConfig({ ...valid, AZURE_STORAGE_ACCOUNT_KEYS: 'a:a2V5;b:b3RoZXI=', ORCHESTRATOR_CRASH_AT: 'after-plan,mid-verify' });
    expect(config.AZURE_STORAGE_ACCOUNT_KEYS).toEqual({ a: 'a2V5', b: 'b3RoZXI=' });
    expect(parseImportOrchestratorConfig(valid).AZURE_STORAGE_ACCOUNT_KEYS).toEqual({});
    expect(config.ORCHESTRATOR_CRASH_AT).toEqual(['after-plan', 'mid-verify']);
    expect(config.DIAGNOSTICS_CONTAINER).toBe('waimportexport');
    expect(config.POLL_BUDGET_PER_MINUTE).toBe(60);
    expect(config.AZURE_BLOB_ENDPOINT_TEMPLATE).toBe('https://{account}.blob.core.windows.net');
  });

  it('names every bad variable without echoing secrets', () => {
    let error: unknown;
    try {
      parseImportOrchestratorConfig({ ...valid, SECRETS_MASTER_KEY: 'c2hvcnQtc2VjcmV0', RETURN_COUNTRY_CODE: 'USA', RETURN_EMAIL: undefined, ORCHESTRATOR_CRASH_AT: 'nowhere' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('SECRETS_MASTER_KEY has an invalid value');
    expect(message).not.toContain('c2hvcnQtc2VjcmV0');
    expect(message).toContain("RETURN_COUNTRY_CODE is 'USA'");
    expect(message).toContain('RETURN_EMAIL is not set');
    expect(message).toContain('unknown crash point nowhere');
  });

  it('is documented in docs/import-orchestrator.md exactly as the schema describes it', async () => {
    const doc = await readFile(path.join(WORKSPACE_ROOT, 'docs', 'import-orchestrator.md'), 'utf8');
    expect(doc).toContain(describeEnv(importOrchestratorEnv));
  });
});
