import { parseDatacenter, supportedCarrier } from './datacenter';

describe('the destination datacenter stored by the import-orchestrator', () => {
  const properties = { city: 'Amsterdam', supportedCarriers: ['Blue Dart', 'DHL', 'FedEx'] };

  it('reads the Locations API properties, alone or inside the whole location resource', () => {
    expect(parseDatacenter(properties)).toEqual({ datacenter: properties });
    expect(parseDatacenter({ id: '/providers/Microsoft.ImportExport/locations/westeurope', name: 'West Europe', properties })).toEqual({ datacenter: properties });
  });

  it('says why it cannot be used when it is missing or has no carriers', () => {
    expect(parseDatacenter(null)).toMatchObject({ problem: /has not stored the destination datacenter yet/ });
    expect(parseDatacenter({ city: 'Amsterdam' })).toMatchObject({ problem: /no supportedCarriers list/ });
  });

  it("matches carriers however they are typed and answers with the datacenter's spelling", () => {
    const parsed = parseDatacenter(properties);
    if (!('datacenter' in parsed)) throw new Error(parsed.problem);
    expect(supportedCarrier(parsed.datacenter, 'bluedart')).toBe('Blue Dart');
    expect(supportedCarrier(parsed.datacenter, 'UPS')).toBeUndefined();
  });
});
