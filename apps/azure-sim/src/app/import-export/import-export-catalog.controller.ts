import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';

import { requireApiVersion } from '../arm/api-version';
import { ArmErrorCode, ArmException } from '../arm/arm.exception';
import { BearerTokenGuard } from '../arm/bearer-token.guard';
import { DATACENTER_LOCATIONS, type DatacenterLocation, findDatacenterLocation } from '../datacenter/datacenter-locations';

import { IMPORT_EXPORT_API_VERSIONS } from './import-export-jobs.controller';

const checkVersion = (version: unknown) => requireApiVersion(version, IMPORT_EXPORT_API_VERSIONS, 'Microsoft.ImportExport');

/** The operations Microsoft.ImportExport lists for itself. */
const OPERATIONS = [
  ['Microsoft.ImportExport/locations/read', 'Locations', 'Get the locations', 'Gets the Azure data centers that accept drives for import or export jobs.'],
  ['Microsoft.ImportExport/jobs/write', 'Jobs', 'Create or update a job', 'Creates a job with the given properties or updates one.'],
  ['Microsoft.ImportExport/jobs/read', 'Jobs', 'Get a job', 'Gets the properties of a job, or lists jobs.'],
  ['Microsoft.ImportExport/jobs/listBitLockerKeys/action', 'Jobs', 'List BitLocker keys', "Lists the BitLocker keys of a job's drives."],
  ['Microsoft.ImportExport/jobs/delete', 'Jobs', 'Delete a job', 'Deletes a job.'],
] as const;

/** Locations_List, Locations_Get and Operations_List of Microsoft.ImportExport 2021-01-01. */
@Controller('providers/Microsoft.ImportExport')
@UseGuards(BearerTokenGuard)
export class ImportExportCatalogController {
  @Get('locations')
  list(@Query('api-version') version: unknown): { value: Record<string, unknown>[] } {
    checkVersion(version);
    return { value: DATACENTER_LOCATIONS.map(toLocation) };
  }

  @Get('locations/:locationName')
  get(@Param('locationName') locationName: string, @Query('api-version') version: unknown): Record<string, unknown> {
    checkVersion(version);
    const location = findDatacenterLocation(locationName);
    if (!location) {
      throw new ArmException(
        ArmErrorCode.ResourceNotFound,
        `The location '${locationName}' is not an Import/Export location. Supported: ${DATACENTER_LOCATIONS.map((candidate) => candidate.name).join(', ')}.`,
        'locationName',
      );
    }
    return toLocation(location);
  }

  @Get('operations')
  operations(@Query('api-version') version: unknown): { value: { name: string; display: Record<string, string> }[] } {
    checkVersion(version);
    return {
      value: OPERATIONS.map(([name, resource, operation, description]) => ({
        name,
        display: { provider: 'Microsoft Import/Export', resource, operation, description },
      })),
    };
  }
}

function toLocation(location: DatacenterLocation): Record<string, unknown> {
  return {
    id: `/providers/Microsoft.ImportExport/locations/${location.name}`,
    name: location.displayName,
    type: 'Microsoft.ImportExport/locations',
    properties: {
      recipientName: location.recipientName,
      streetAddress1: location.streetAddress1,
      streetAddress2: location.streetAddress2,
      city: location.city,
      stateOrProvince: location.stateOrProvince,
      postalCode: location.postalCode,
      countryOrRegion: location.countryOrRegion,
      phone: location.phone,
      additionalShippingInformation: location.additionalShippingInformation,
      supportedCarriers: location.supportedCarriers,
      alternateLocations: location.alternateLocations.map((name) => `/providers/Microsoft.ImportExport/locations/${name}`),
    },
  };
}
