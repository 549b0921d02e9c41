/**
 * Creates the key pair and certificate the orchestrator signs in to Azure with, and says what to
 * register in Entra ID (the counterpart of AzureOfflineBackupCertGen's CreateNewApplication).
 *
 *   npx nx run import-orchestrator:create-client-certificate -- <directory> [name] [days]
 */
import { ClientCertificateError, createClientCertificate } from '../app/credentials/client-certificate';

async function main(): Promise<void> {
  const [directory, name = 'seedship-import-orchestrator', days = '365'] = process.argv.slice(2);
  if (!directory) {
    console.error('usage: create-client-certificate <directory> [name] [days]');
    process.exit(64);
  }
  const created = await createClientCertificate({ directory, name, days: Number(days) });
  console.log(`Private key + certificate: ${created.privatePemPath} (keep it secret: put it in a Kubernetes Secret)`);
  console.log(`Public certificate:        ${created.publicCerPath}`);
  console.log(`Subject ${created.subject}, thumbprint ${created.thumbprint}, valid until ${created.validTo}`);
  console.log('');
  console.log('Register it in Entra ID:');
  console.log(`  1. Create an application (or use an existing one): az ad app create --display-name ${name}`);
  console.log(`  2. Upload the public certificate: az ad app credential reset --id <application id> --cert @${created.publicCerPath} --append`);
  console.log('  3. Create its service principal: az ad sp create --id <application id>');
  console.log('  4. Give it Contributor on the resource group of the import jobs, and Storage Blob Data Contributor on the storage account.');
  console.log('Then run the orchestrator with AZURE_AUTH=client-certificate, AZURE_TENANT_ID, AZURE_CLIENT_ID=<application id>');
  console.log(`and AZURE_CLIENT_CERTIFICATE_PATH pointing at the mounted copy of ${created.privatePemPath}.`);
}

main().catch((error: unknown) => {
  console.error(error instanceof ClientCertificateError ? error.message : error);
  process.exit(error instanceof ClientCertificateError ? 65 : 1);
});
