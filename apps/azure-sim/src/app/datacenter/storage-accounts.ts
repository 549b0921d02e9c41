import { Inject, Injectable } from '@nestjs/common';
import { BlobServiceClient, type ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';

import { AZURE_SIM_CONFIG, type AzureSimConfig } from '../config/azure-sim-config';

/**
 * The storage accounts the simulated datacenter writes into: Azurite accounts addressed path-style
 * (`{endpoint}/{account}`), with the shared keys from the configuration.
 */
@Injectable()
export class StorageAccounts {
  private readonly clients = new Map<string, BlobServiceClient>();

  constructor(@Inject(AZURE_SIM_CONFIG) private readonly config: AzureSimConfig) {}

  has(accountName: string): boolean {
    return accountName in this.config.AZURE_SIM_STORAGE_ACCOUNTS;
  }

  names(): string[] {
    return Object.keys(this.config.AZURE_SIM_STORAGE_ACCOUNTS);
  }

  container(accountName: string, containerName: string): ContainerClient {
    return this.service(accountName).getContainerClient(containerName);
  }

  private service(accountName: string): BlobServiceClient {
    const existing = this.clients.get(accountName);
    if (existing) return existing;
    const key = this.config.AZURE_SIM_STORAGE_ACCOUNTS[accountName];
    if (key === undefined) throw new Error(`storage account ${accountName} is not configured in AZURE_SIM_STORAGE_ACCOUNTS`);
    const endpoint = `${this.config.AZURE_SIM_BLOB_ENDPOINT.replace(/\/$/, '')}/${accountName}`;
    const client = new BlobServiceClient(endpoint, new StorageSharedKeyCredential(accountName, key));
    this.clients.set(accountName, client);
    return client;
  }
}
