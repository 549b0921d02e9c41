import { parsePayload } from '../message-contract';
import { ShippingPackageUpdated } from './shipping-package-updated';

describe('shipping.package.updated.v1', () => {
  const jobId = '0f8fad5b-d9cb-469f-a165-70867728950e';

  it('still accepts the original v1 shape, so producers and consumers of the first version keep working', () => {
    const original = { jobId, direction: 'DELIVERY', carrierName: 'UPS', trackingNumber: '1Z5R89390357567127', driveCount: 2, shipDate: '2026-12-01' };
    expect(parsePayload(ShippingPackageUpdated, original)).toEqual(original);
  });

  it('carries the return carrier account, deadline, version and actor that shipping-tracker adds', () => {
    const returnShipping = { jobId, direction: 'RETURN', carrierName: 'FedEx', carrierAccountNumber: '123456789', version: 2, actor: 'user:ops' };
    expect(parsePayload(ShippingPackageUpdated, returnShipping)).toEqual(returnShipping);
    expect(() => parsePayload(ShippingPackageUpdated, { ...returnShipping, version: -1 })).toThrow(/version/);
    expect(() => parsePayload(ShippingPackageUpdated, { ...returnShipping, arrivalDeadline: '15/12/2026' })).toThrow(/arrivalDeadline/);
  });
});
