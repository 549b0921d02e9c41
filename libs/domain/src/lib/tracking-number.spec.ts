import { TrackingNumber, TrackingNumberError, TrackingNumberErrorCode, carrierKey, knownCarrierOf } from './tracking-number';

function errorOf(carrier: string, text: string): TrackingNumberError {
  try {
    TrackingNumber.parse(carrier, text);
  } catch (error) {
    if (error instanceof TrackingNumberError) return error;
    throw error;
  }
  throw new Error(`${carrier} "${text}" was accepted`);
}

/** Changes the last character to the next digit (or letter), which any check digit must notice. */
function breakLastDigit(value: string): string {
  const last = value.at(-1) ?? '0';
  return value.slice(0, -1) + (/[0-9]/.test(last) ? String((Number(last) + 1) % 10) : last === 'Z' ? 'A' : String.fromCharCode(last.charCodeAt(0) + 1));
}

// Numbers published as valid examples by the carriers' developer guides and the tracking_number_data
// reference set; each format is also shown to refuse the same number with a wrong check digit.
const VALID: ReadonlyArray<[carrier: string, number: string, format: RegExp]> = [
  ['UPS', '1Z5R89390357567127', /UPS 1Z/],
  ['UPS', '1Z879E930346834440', /UPS 1Z/],
  ['UPS', '1z 410e 7w03 9275 1591', /UPS 1Z/],
  ['FedEx', '986578788855', /FedEx Express/],
  ['FedEx', '477179081230', /FedEx Express/],
  ['FedEx', '0414 4176 0228 964', /FedEx Ground/],
  ['FedEx', '568283610012000', /FedEx Ground/],
  ['DHL', '3318810025', /DHL Express/],
  ['DHL', '8487135506', /DHL Express/],
  ['USPS', '0307 1790 0005 2348 3741', /USPS \(20/],
  ['USPS', '7196 9010 7560 0307 7385', /USPS IMpb without its 91/],
  ['USPS', '9400 1112 0108 0805 4830 16', /USPS IMpb/],
  ['USPS', '9505 5110 6960 5048 6006 24', /USPS IMpb/],
  ['USPS', 'EA123456785US', /S10/],
];

describe('TrackingNumber', () => {
  it.each(VALID)('accepts the %s number %s and names its format', (carrier, number, format) => {
    const parsed = TrackingNumber.parse(carrier, number);
    expect(parsed.value).toBe(number.replace(/\s/g, '').toUpperCase());
    expect(parsed.format).toMatch(format);
  });

  it.each(VALID)('refuses the %s number %s with one digit changed, naming the check digit', (carrier, number) => {
    const normalized = TrackingNumber.normalize(number);
    // S10 carries its check digit before the country code.
    const broken = /US$/.test(normalized) ? `${breakLastDigit(normalized.slice(0, -2))}US` : breakLastDigit(normalized);
    const error = errorOf(carrier, broken);
    expect(error.code).toBe(TrackingNumberErrorCode.CheckDigit);
    expect(error.message).toMatch(/check digit/);
  });

  it('refuses numbers the carrier never issues, listing its formats', () => {
    const ups = errorOf('UPS', '2Z5R89390357567127');
    expect(ups.code).toBe(TrackingNumberErrorCode.Format);
    expect(ups.message).toMatch(/not a UPS tracking number; UPS numbers are UPS 1Z/);
    expect(errorOf('FedEx', '12345').message).toMatch(/FedEx Express \(12 digits\) or FedEx Ground \(15 digits\)/);
    expect(errorOf('DHL', '33188100251').code).toBe(TrackingNumberErrorCode.Format);
  });

  it('says what is wrong with empty input and stray characters', () => {
    expect(errorOf('UPS', '   ').code).toBe(TrackingNumberErrorCode.Empty);
    const stray = errorOf('UPS', '1Z5R8939/0357567127');
    expect(stray.code).toBe(TrackingNumberErrorCode.InvalidCharacters);
    expect(stray.message).toMatch(/contains "\/"/);
    expect(errorOf(' ', '1Z5R89390357567127').code).toBe(TrackingNumberErrorCode.CarrierEmpty);
  });

  it('applies the generic rule to carriers without public check digits', () => {
    expect(TrackingNumber.parse('Blue Dart', '69512345678').format).toBe('generic');
    expect(TrackingNumber.parse('TNT', 'GE123456789WW').value).toBe('GE123456789WW');
    expect(errorOf('TNT', 'AB12').message).toMatch(/6 to 40 letters and digits/);
  });

  it('recognises carrier names however they are written', () => {
    expect(knownCarrierOf('fed-ex')).toBe('FedEx');
    expect(knownCarrierOf('DHL Express')).toBe('DHL');
    expect(knownCarrierOf('Blue Dart')).toBeUndefined();
    expect(carrierKey('Blue Dart')).toBe(carrierKey('bluedart'));
  });
});
