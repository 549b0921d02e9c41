import { createAzureCredential } from './credentials';

describe('createAzureCredential', () => {
  it('gives azure-sim its fixed token', async () => {
    const token = await createAzureCredential({ kind: 'simulator', token: 'sim-token' }).getToken('https://management.azure.com/.default');
    expect(token?.token).toBe('sim-token');
    expect(token?.expiresOnTimestamp).toBeGreaterThan(Date.now());
  });

  it('fails at once when the client certificate file is missing, not at the first Azure call', () => {
    expect(() =>
      createAzureCredential({ kind: 'client-certificate', tenantId: 't', clientId: 'c', certificatePath: '/nonexistent/seedship.pem' }),
    ).toThrow(/ENOENT/);
  });

  it('builds a client-secret credential without calling Entra ID', () => {
    const credential = createAzureCredential({ kind: 'client-secret', tenantId: '00000000-0000-0000-0000-000000000001', clientId: 'c', clientSecret: 's' });
    expect(typeof credential.getToken).toBe('function');
  });
});
