import { readFile } from 'node:fs/promises';
import { type AddressInfo } from 'node:net';

import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import { type Logger } from '@seedship/logging';

import { AppModule } from './app.module';
import { ArmExceptionFilter } from './arm/arm-exception.filter';
import { type AzureSimConfig } from './config/azure-sim-config';

export interface AzureSimServer {
  /** Base URL to pass as the SDK clients' `endpoint`, e.g. https://127.0.0.1:8443 */
  readonly url: string;
  readonly app: INestApplication;
  close(): Promise<void>;
}

/** Boots the simulator on HTTPS (the Azure SDK sends bearer tokens over TLS only; see ADR 0002). */
export async function startAzureSim(config: AzureSimConfig, logger: Logger): Promise<AzureSimServer> {
  const [cert, key] = await Promise.all([readFile(config.AZURE_SIM_TLS_CERT_FILE), readFile(config.AZURE_SIM_TLS_KEY_FILE)]);
  const app = await NestFactory.create(AppModule.forRoot(config, logger), { httpsOptions: { cert, key }, logger: false });
  app.useGlobalFilters(new ArmExceptionFilter(logger));
  await app.listen(config.AZURE_SIM_PORT, config.AZURE_SIM_HOST);
  const server = app.getHttpServer() as { address(): AddressInfo };
  const address = server.address();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `https://${host}:${address.port}`;
  logger.info({ url }, 'azure-sim is serving Microsoft.ImportExport and Microsoft.DataBox');
  return { url, app, close: () => app.close() };
}
