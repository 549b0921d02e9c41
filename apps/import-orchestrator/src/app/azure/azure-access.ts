import { readFileSync } from 'node:fs';

import { type ContainerClient } from '@azure/storage-blob';

import {
  type AzureCredentialSettings,
  type BlobEndpointOptions,
  DataBoxProvider,
  type ImportProvider,
  type ImportProviderKind,
  ImportExportProvider,
  blobServiceFor,
  createAzureCredential,
} from '@seedship/azure';
import { ConfigError } from '@seedship/config';

import { type ImportOrchestratorConfig } from '../config/import-orchestrator-env';

/** The Azure clients of the orchestrator: one import provider per kind, and blob access per storage account. */
export class AzureAccess {
  private readonly providers: Record<ImportProviderKind, ImportProvider>;
  private readonly blobOptions: BlobEndpointOptions;

  constructor(config: ImportOrchestratorConfig) {
    const credential = createAzureCredential(credentialSettings(config));
    const connection = {
      credential,
      ...(config.AZURE_ARM_ENDPOINT ? { endpoint: config.AZURE_ARM_ENDPOINT } : {}),
      ...(config.AZURE_CA_FILE ? { caPem: readFileSync(config.AZURE_CA_FILE, 'utf8') } : {}),
    };
    this.providers = {
      IMPORT_EXPORT: new ImportExportProvider(connection),
      DATABOX_CUSTOMER_DISK: new DataBoxProvider(connection, { createPollIntervalMs: config.DATABOX_CREATE_POLL_MS }),
    };
    this.blobOptions = { endpointTemplate: config.AZURE_BLOB_ENDPOINT_TEMPLATE, accountKeys: config.AZURE_STORAGE_ACCOUNT_KEYS, credential };
  }

  provider(kind: ImportProviderKind): ImportProvider {
    return this.providers[kind];
  }

  container(account: string, container: string): ContainerClient {
    return blobServiceFor(account, this.blobOptions).getContainerClient(container);
  }

  /**
   * The first bytes of a log blob the service wrote into the job's storage account (error and verbose
   * logs), read through our own credentials: the URI names the blob, it does not grant access.
   */
  async readLogExcerpt(account: string, uri: string, maxBytes = 16 * 1024): Promise<string> {
    const endpoint = this.blobOptions.endpointTemplate.replace('{account}', account).replace(/\/+$/, '');
    const url = new URL(uri);
    const base = new URL(endpoint);
    let path = decodeURIComponent(url.pathname);
    const basePath = base.pathname.replace(/\/+$/, '');
    if (url.host !== base.host || !path.startsWith(`${basePath}/`)) throw new Error(`${uri} is not a blob of storage account ${account}`);
    path = path.slice(basePath.length + 1);
    const slash = path.indexOf('/');
    const blob = this.container(account, path.slice(0, slash)).getBlobClient(path.slice(slash + 1));
    const size = (await blob.getProperties()).contentLength ?? 0;
    if (size === 0) return '';
    return (await blob.downloadToBuffer(0, Math.min(size, maxBytes))).toString('utf8');
  }
}

function credentialSettings(config: ImportOrchestratorConfig): AzureCredentialSettings {
  const need = (name: keyof ImportOrchestratorConfig): string => {
    const value = config[name];
    if (typeof value !== 'string' || value.length === 0) {
      throw new ConfigError([`${name} is not set: AZURE_AUTH=${config.AZURE_AUTH} needs it`]);
    }
    return value;
  };
  const authority = config.AZURE_AUTHORITY_HOST ? { authorityHost: config.AZURE_AUTHORITY_HOST } : {};
  switch (config.AZURE_AUTH) {
    case 'client-secret':
      return { kind: 'client-secret', tenantId: need('AZURE_TENANT_ID'), clientId: need('AZURE_CLIENT_ID'), clientSecret: need('AZURE_CLIENT_SECRET'), ...authority };
    case 'client-certificate':
      return {
        kind: 'client-certificate',
        tenantId: need('AZURE_TENANT_ID'),
        clientId: need('AZURE_CLIENT_ID'),
        certificatePath: need('AZURE_CLIENT_CERTIFICATE_PATH'),
        ...authority,
      };
    case 'simulator':
      return { kind: 'simulator', token: config.AZURE_SIMULATOR_TOKEN };
    default: {
      const never: never = config.AZURE_AUTH;
      throw new ConfigError([`AZURE_AUTH ${String(never)} is not known`]);
    }
  }
}
