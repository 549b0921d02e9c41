import { DATA_BOX_FACTS } from './data-box-2022-12-01.facts';
import { IMPORT_EXPORT_FACTS } from './import-export-2021-01-01.facts';
import { shapeProblems } from './schema-fact';

describe('shapeProblems', () => {
  it('accepts a shape the spec allows', () => {
    expect(shapeProblems({ driveId: 'A', state: 'Specified', percentComplete: 0 }, 'DriveStatus', IMPORT_EXPORT_FACTS)).toEqual([]);
  });

  it('names unknown properties, missing required ones, wrong types and values outside an enum', () => {
    expect(
      shapeProblems({ driveId: 1, state: 'Lost', colour: 'red', percentComplete: 1.5 }, 'DriveStatus', IMPORT_EXPORT_FACTS),
    ).toEqual([
      'DriveStatus.driveId: expected a string, got number',
      "DriveStatus.state: 'Lost' is not one of Specified, Received, NeverReceived, Transferring, Completed, CompletedMoreInfo, ShippedBack",
      'DriveStatus.colour: not a property of this definition in the spec',
      'DriveStatus.percentComplete: expected an integer, got number',
    ]);
    expect(shapeProblems({ carrierName: 'x' }, 'DeliveryPackageInformation', IMPORT_EXPORT_FACTS)).toEqual([
      'DeliveryPackageInformation.trackingNumber: required by the spec but missing',
    ]);
  });

  it('follows discriminators into the derived definition', () => {
    const details = {
      jobDetailsType: 'DataBoxCustomerDisk',
      contactDetails: { contactName: 'a', phone: '1', emailList: ['a@b.c'] },
      returnToCustomerPackageDetails: { carrierName: 'UPS' },
      importDiskDetailsCollection: { S1: { manifestFile: 'm', manifestHash: 'h' } },
    };
    expect(shapeProblems(details, 'JobDetails', DATA_BOX_FACTS)).toEqual([
      'JobDetails.importDiskDetailsCollection.S1.bitLockerKey: required by the spec but missing',
    ]);
    expect(shapeProblems({ ...details, jobDetailsType: 'Toaster' }, 'JobDetails', DATA_BOX_FACTS)[0]).toContain("'Toaster' is not a known kind");
  });
});
