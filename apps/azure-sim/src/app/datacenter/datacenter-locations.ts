/**
 * The simulated Azure datacenters that accept drives. Region names are real Azure regions; the street
 * addresses are the simulator's own (the real ones come from the service and change), marked as such so
 * a demo label can never be mistaken for a real shipping address.
 */
export interface DatacenterLocation {
  /** ARM location name, e.g. `westus`. */
  readonly name: string;
  readonly displayName: string;
  readonly recipientName: string;
  readonly streetAddress1: string;
  readonly streetAddress2: string;
  readonly city: string;
  readonly stateOrProvince: string;
  readonly postalCode: string;
  readonly countryOrRegion: string;
  readonly phone: string;
  readonly additionalShippingInformation: string;
  readonly supportedCarriers: readonly string[];
  /** Locations to ship to instead; contains itself while the location is open. */
  readonly alternateLocations: readonly string[];
  /** Data Box datacenter code reported for jobs shipped here. */
  readonly dataCenterCode: string;
}

const carriers = ['Blue Dart', 'DHL', 'FedEx', 'TNT', 'UPS'] as const;

function location(
  name: string,
  displayName: string,
  address: Pick<DatacenterLocation, 'city' | 'stateOrProvince' | 'postalCode' | 'countryOrRegion' | 'phone' | 'dataCenterCode'>,
): DatacenterLocation {
  return {
    name,
    displayName,
    recipientName: 'Microsoft Azure Import/Export Service (simulated)',
    streetAddress1: `Seedship azure-sim receiving dock, ${displayName}`,
    streetAddress2: 'Not a real address: simulator only',
    additionalShippingInformation: 'Write the import job name on the package.',
    supportedCarriers: carriers,
    alternateLocations: [name],
    ...address,
  };
}

export const DATACENTER_LOCATIONS: readonly DatacenterLocation[] = [
  location('eastus', 'East US', { city: 'Boydton', stateOrProvince: 'VA', postalCode: '23917', countryOrRegion: 'USA', phone: '+1 555 0100 001', dataCenterCode: 'BN1' }),
  location('westus', 'West US', { city: 'Santa Clara', stateOrProvince: 'CA', postalCode: '95054', countryOrRegion: 'USA', phone: '+1 555 0100 002', dataCenterCode: 'SN1' }),
  location('northeurope', 'North Europe', { city: 'Dublin', stateOrProvince: 'Dublin', postalCode: 'D24', countryOrRegion: 'Ireland', phone: '+353 555 0100 003', dataCenterCode: 'DUB2' }),
  location('westeurope', 'West Europe', { city: 'Amsterdam', stateOrProvince: 'Noord-Holland', postalCode: '1101', countryOrRegion: 'Netherlands', phone: '+31 555 0100 004', dataCenterCode: 'AMS06' }),
];

/** Finds a location by ARM name or display name, case- and space-insensitively ("West US" = "westus"). */
export function findDatacenterLocation(nameOrDisplayName: string): DatacenterLocation | undefined {
  const wanted = nameOrDisplayName.replace(/\s+/g, '').toLowerCase();
  return DATACENTER_LOCATIONS.find((candidate) => candidate.name === wanted);
}
