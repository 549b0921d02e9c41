import { validateAccountNumber, validateCarrier, validateDriveCount, validateShipDate, validateTrackingNumber } from './shipping-fields';

describe('the answers seedship ship update checks before asking the API', () => {
  it('takes a carrier the datacenter lists, however it is typed, and spells it as the datacenter does', () => {
    const carrier = validateCarrier(['Blue Dart', 'DHL', 'FedEx']);
    expect(carrier('fedex')).toBe('FedEx');
    expect(carrier('BLUE DART')).toBe('Blue Dart');
    expect(() => carrier('USPS')).toThrow('USPS is not a carrier this datacenter accepts; choose one of Blue Dart, DHL, FedEx.');
  });

  it("checks tracking numbers by the carrier's own rules", () => {
    expect(validateTrackingNumber('UPS')('1z5r 8939 0357 5671 27')).toBe('1Z5R89390357567127');
    expect(() => validateTrackingNumber('UPS')('1Z5R89390357567128')).toThrow(/check digit/);
  });

  it('insists the package holds every drive of the job', () => {
    expect(validateDriveCount(2, ['A', 'B'])('2')).toBe(2);
    expect(() => validateDriveCount(2, ['A', 'B'])('1')).toThrow('this job has 2 drives ready to ship (A, B)');
    expect(() => validateDriveCount(2, ['A', 'B'])('two')).toThrow(/not a number of drives/);
  });

  it('refuses ship dates in the future and dates that are not days', () => {
    const shipDate = validateShipDate(new Date('2026-12-01T12:00:00Z'));
    expect(shipDate('2026-11-30')).toBe('2026-11-30');
    expect(shipDate('2026-12-02')).toBe('2026-12-02');
    expect(() => shipDate('2026-12-03')).toThrow(/in the future/);
    expect(() => shipDate('2026-13-01')).toThrow(/not a day/);
  });

  it('normalizes carrier account numbers', () => {
    expect(validateAccountNumber('a1b2-c3')).toBe('A1B2C3');
    expect(() => validateAccountNumber('x')).toThrow(/not a carrier account number/);
  });
});
