import { readFileSync } from 'node:fs';

import { type AccessToken, type TokenCredential } from '@azure/core-auth';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';

/** How the service signs in to Azure. */
export type AzureCredentialSettings =
  | { readonly kind: 'client-secret'; readonly tenantId: string; readonly clientId: string; readonly clientSecret: string; readonly authorityHost?: string }
  | { readonly kind: 'client-certificate'; readonly tenantId: string; readonly clientId: string; readonly certificatePath: string; readonly authorityHost?: string }
  /** azure-sim only: it requires a bearer token but has no tenant to check it against. */
  | { readonly kind: 'simulator'; readonly token: string };

/**
 * A TokenCredential for the ARM and blob clients: a service principal with a client secret or a client
 * certificate (the counterpart of AzureOfflineBackupCertGen's application certificate) through
 * @azure/identity, or a fixed token for azure-sim.
 */
export function createAzureCredential(settings: AzureCredentialSettings): TokenCredential {
  switch (settings.kind) {
    case 'client-secret':
      return new ClientSecretCredential(settings.tenantId, settings.clientId, settings.clientSecret, authority(settings.authorityHost));
    case 'client-certificate':
      // Read once so a missing file fails at boot, not at the first Azure call.
      readFileSync(settings.certificatePath);
      return new ClientCertificateCredential(settings.tenantId, settings.clientId, { certificatePath: settings.certificatePath }, authority(settings.authorityHost));
    case 'simulator':
      return simulatorCredential(settings.token);
    default:
      return assertNever(settings);
  }
}

function authority(host: string | undefined): { authorityHost?: string } {
  return host ? { authorityHost: host } : {};
}

function simulatorCredential(token: string): TokenCredential {
  return {
    getToken: (): Promise<AccessToken> => Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}

function assertNever(value: never): never {
  throw new Error(`Unknown credential kind ${JSON.stringify(value)}`);
}
