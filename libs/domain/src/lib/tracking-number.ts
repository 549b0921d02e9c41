/**
 * Carrier tracking numbers: the published formats and check digits of the carriers Azure datacenters
 * accept, so a mistyped number is caught when it is entered, not when the package goes missing.
 * Pure: no I/O.
 *
 * Rules implemented (a number must match one format of its carrier):
 * - UPS: `1Z` + 15 letters/digits + check digit (mod 10; letters count as (code - 63) mod 10; every
 *   second character of the 15 is doubled).
 * - FedEx: 12 digits (Express: weights 3,1,7 over the first 11, sum mod 11 mod 10) or 15 digits
 *   (Ground: mod 10, every second of the first 14 digits tripled).
 * - DHL (Express waybill): 10 digits, the tenth is the first nine read as a number, mod 7.
 * - USPS: 20 digits (mod 10 with weights 3,1 from the left, as printed or with the IMpb `91` it
 *   may omit), 22 digits starting 91-95 (IMpb, the same mod 10), or
 *   S10 international (2 letters, 8 digits, check digit with weights 8,6,4,2,3,5,9,7 mod 11, `US`).
 * - Any other carrier (TNT, Blue Dart, ...): no public check digit, so 6 to 40 letters and digits.
 */
export enum TrackingNumberErrorCode {
  Empty = 'TRACKING_NUMBER_EMPTY',
  InvalidCharacters = 'TRACKING_NUMBER_INVALID_CHARACTERS',
  Format = 'TRACKING_NUMBER_FORMAT',
  CheckDigit = 'TRACKING_NUMBER_CHECK_DIGIT',
  CarrierEmpty = 'CARRIER_NAME_EMPTY',
}

export class TrackingNumberError extends Error {
  constructor(
    readonly code: TrackingNumberErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'TrackingNumberError';
  }
}

/** Carriers whose tracking numbers have published rules; other carriers get the generic rule. */
export type KnownCarrier = 'UPS' | 'FedEx' | 'DHL' | 'USPS';

const KNOWN_CARRIER_ALIASES: Readonly<Record<string, KnownCarrier>> = {
  ups: 'UPS',
  fedex: 'FedEx',
  dhl: 'DHL',
  dhlexpress: 'DHL',
  usps: 'USPS',
  unitedstatespostalservice: 'USPS',
};

/** Carrier names compare without case, spaces, dots and dashes ("Fed-Ex" = "FedEx", "blue dart" = "Blue Dart"). */
export function carrierKey(name: string): string {
  return name.toLowerCase().replace(/[\s.\-_]+/g, '');
}

export function knownCarrierOf(name: string): KnownCarrier | undefined {
  return KNOWN_CARRIER_ALIASES[carrierKey(name)];
}

/** What a format check found: the format's name when it matched, or why each candidate failed. */
interface FormatResult {
  readonly matched?: string;
  /** A candidate whose shape fit but whose check digit did not. */
  readonly checkDigitFailure?: string;
}

interface Format {
  readonly name: string;
  readonly shape: RegExp;
  /** The expected check digit (a character), given the whole normalized number. */
  readonly expectedCheckDigit?: (value: string) => string;
}

function digitsOf(text: string): number[] {
  return [...text].map((character) => Number(character));
}

/** mod 10 over `body` with weights that alternate from the left, for the given (first, second) pair. */
function mod10(body: number[], first: number, second: number): string {
  const total = body.reduce((sum, digit, index) => sum + digit * (index % 2 === 0 ? first : second), 0);
  return String((10 - (total % 10)) % 10);
}

function upsCharacterValue(character: string): number {
  return /[0-9]/.test(character) ? Number(character) : (character.charCodeAt(0) - 63) % 10;
}

const FORMATS: Readonly<Record<KnownCarrier, readonly Format[]>> = {
  UPS: [
    {
      name: 'UPS 1Z (18 characters)',
      shape: /^1Z[A-Z0-9]{16}$/,
      expectedCheckDigit: (value) => mod10([...value.slice(2, 17)].map(upsCharacterValue), 1, 2),
    },
  ],
  FedEx: [
    {
      name: 'FedEx Express (12 digits)',
      shape: /^[0-9]{12}$/,
      expectedCheckDigit: (value) => {
        const weights = [3, 1, 7];
        const total = digitsOf(value.slice(0, 11)).reduce((sum, digit, index) => sum + digit * (weights[index % 3] ?? 0), 0);
        return String((total % 11) % 10);
      },
    },
    {
      name: 'FedEx Ground (15 digits)',
      shape: /^[0-9]{15}$/,
      expectedCheckDigit: (value) => mod10(digitsOf(value.slice(0, 14)), 1, 3),
    },
  ],
  DHL: [
    {
      name: 'DHL Express waybill (10 digits)',
      shape: /^[0-9]{10}$/,
      expectedCheckDigit: (value) => String(Number(value.slice(0, 9)) % 7),
    },
  ],
  USPS: [
    {
      name: 'USPS (20 digits)',
      shape: /^[0-9]{20}$/,
      expectedCheckDigit: (value) => mod10(digitsOf(value.slice(0, 19)), 3, 1),
    },
    {
      // IMpb numbers are often printed without their leading 91; the check digit covers it.
      name: 'USPS IMpb without its 91 (20 digits)',
      shape: /^[0-9]{20}$/,
      expectedCheckDigit: (value) => mod10(digitsOf(`91${value.slice(0, 19)}`), 3, 1),
    },
    {
      name: 'USPS IMpb (22 digits, 91-95)',
      shape: /^9[1-5][0-9]{20}$/,
      expectedCheckDigit: (value) => mod10(digitsOf(value.slice(0, 21)), 3, 1),
    },
    {
      name: 'USPS international S10 (e.g. EA123456785US)',
      shape: /^[A-Z]{2}[0-9]{9}US$/,
      expectedCheckDigit: (value) => {
        const weights = [8, 6, 4, 2, 3, 5, 9, 7];
        const total = digitsOf(value.slice(2, 10)).reduce((sum, digit, index) => sum + digit * (weights[index] ?? 0), 0);
        const check = 11 - (total % 11);
        return String(check === 10 ? 0 : check === 11 ? 5 : check);
      },
    },
  ],
};

const GENERIC_SHAPE = /^[A-Z0-9]{6,40}$/;

function checkFormats(formats: readonly Format[], value: string): FormatResult {
  let checkDigitFailure: string | undefined;
  for (const format of formats) {
    if (!format.shape.test(value)) continue;
    const checkIndex = format.name.startsWith('USPS international') ? 10 : value.length - 1;
    const expected = format.expectedCheckDigit?.(value);
    if (expected === undefined || value[checkIndex] === expected) return { matched: format.name };
    checkDigitFailure = `${format.name}: its check digit is ${value[checkIndex] ?? '?'} but the other characters give ${expected}`;
  }
  return checkDigitFailure ? { checkDigitFailure } : {};
}

export class TrackingNumber {
  private constructor(
    /** The carrier's name as given (trimmed), e.g. `FedEx`. */
    readonly carrierName: string,
    /** Uppercase, without spaces and dashes: the form stored and compared for uniqueness. */
    readonly value: string,
    /** Which format it matched, e.g. `UPS 1Z (18 characters)`, or `generic` for carriers without public rules. */
    readonly format: string,
  ) {}

  /** Spaces and dashes people copy from labels are dropped; letters are uppercased. */
  static normalize(text: string): string {
    return text.replace(/[\s-]+/g, '').toUpperCase();
  }

  static parse(carrierName: string, text: string): TrackingNumber {
    const carrier = carrierName.trim();
    if (carrier === '') {
      throw new TrackingNumberError(TrackingNumberErrorCode.CarrierEmpty, 'The carrier is empty; name the carrier the package was given to (e.g. UPS, FedEx, DHL).');
    }
    const value = TrackingNumber.normalize(text);
    if (value === '') {
      throw new TrackingNumberError(TrackingNumberErrorCode.Empty, `The tracking number is empty; copy it from the ${carrier} label or receipt.`);
    }
    const bad = /[^A-Z0-9]/.exec(value);
    if (bad) {
      throw new TrackingNumberError(
        TrackingNumberErrorCode.InvalidCharacters,
        `The tracking number contains "${bad[0]}"; tracking numbers hold only letters and digits (spaces and dashes are ignored).`,
      );
    }
    const known = knownCarrierOf(carrier);
    if (!known) {
      if (!GENERIC_SHAPE.test(value)) {
        throw new TrackingNumberError(
          TrackingNumberErrorCode.Format,
          `The ${carrier} tracking number "${value}" has ${value.length} characters; it must be 6 to 40 letters and digits.`,
        );
      }
      return new TrackingNumber(carrier, value, 'generic');
    }
    const formats = FORMATS[known];
    const result = checkFormats(formats, value);
    if (result.matched) return new TrackingNumber(carrier, value, result.matched);
    if (result.checkDigitFailure) {
      throw new TrackingNumberError(
        TrackingNumberErrorCode.CheckDigit,
        `The ${known} tracking number "${value}" fails its check digit (${result.checkDigitFailure}), so it was mistyped; check every character against the label.`,
      );
    }
    throw new TrackingNumberError(
      TrackingNumberErrorCode.Format,
      `"${value}" is not a ${known} tracking number; ${known} numbers are ${formats.map((format) => format.name).join(' or ')}.`,
    );
  }

  toString(): string {
    return this.value;
  }
}
