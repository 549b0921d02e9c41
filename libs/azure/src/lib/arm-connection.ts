import { type TokenCredential } from '@azure/core-auth';

/** How to reach ARM: the credential, and for a local emulator its endpoint and CA. */
export interface ArmConnection {
  readonly credential: TokenCredential;
  /** ARM host; default https://management.azure.com. azure-sim in tests and the demo. */
  readonly endpoint?: string;
  /** PEM CA to trust in addition to nothing else (azure-sim's test certificate). */
  readonly caPem?: string;
}

export function armClientOptions(connection: ArmConnection): { endpoint?: string; tlsOptions?: { ca: string } } {
  return {
    ...(connection.endpoint ? { endpoint: connection.endpoint } : {}),
    ...(connection.caPem ? { tlsOptions: { ca: connection.caPem } } : {}),
  };
}
