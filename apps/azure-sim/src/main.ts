import 'reflect-metadata';

import { createLogger } from '@seedship/logging';

import { startAzureSim } from './app/azure-sim-server';
import { loadAzureSimConfig } from './app/config/azure-sim-config';
import { ensureCertificate } from './app/config/ensure-certificate';

async function main(): Promise<void> {
  const config = loadAzureSimConfig();
  const logger = createLogger('azure-sim', { level: config.LOG_LEVEL });
  if (await ensureCertificate(config.AZURE_SIM_TLS_CERT_FILE, config.AZURE_SIM_TLS_KEY_FILE)) {
    logger.info({ certFile: config.AZURE_SIM_TLS_CERT_FILE }, 'created a self-signed certificate; clients trust it with tlsOptions.ca');
  }
  const server = await startAzureSim(config, logger);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'azure-sim did not shut down cleanly');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`azure-sim failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
