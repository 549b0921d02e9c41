import { TrackingNumber, addDays, calendarDateOf, carrierKey, parseCalendarDate } from '@seedship/domain';

/**
 * The answers `seedship ship update` asks for, each with the check the CLI can make before asking the
 * API (which checks everything again, including what only it knows: tracking numbers of other jobs).
 */
export const SHIPPING_FIELDS = ['carrier', 'trackingNumber', 'drives', 'shipDate', 'returnCarrier', 'returnAccount'] as const;
export type ShippingField = (typeof SHIPPING_FIELDS)[number];

/** The command-line flag for each field, for messages to scripts. */
export const FLAG_OF: Readonly<Record<ShippingField, string>> = {
  carrier: '--carrier',
  trackingNumber: '--tracking-number',
  drives: '--drives',
  shipDate: '--ship-date',
  returnCarrier: '--return-carrier',
  returnAccount: '--return-account',
};

/** The API's field names (problems in its 422 answers) mapped back to the CLI's. */
export const FIELD_OF_API_FIELD: Readonly<Record<string, ShippingField>> = {
  'delivery.carrierName': 'carrier',
  'delivery.trackingNumber': 'trackingNumber',
  'delivery.driveCount': 'drives',
  'delivery.shipDate': 'shipDate',
  'returnShipping.carrierName': 'returnCarrier',
  'returnShipping.carrierAccountNumber': 'returnAccount',
};

export function validateCarrier(supported: readonly string[]): (answer: string) => string {
  return (answer) => {
    const match = supported.find((candidate) => carrierKey(candidate) === carrierKey(answer));
    if (!match) throw new Error(`${answer === '' ? 'A carrier is needed' : `${answer} is not a carrier this datacenter accepts`}; choose one of ${supported.join(', ')}.`);
    return match;
  };
}

export function validateTrackingNumber(carrierName: string): (answer: string) => string {
  return (answer) => TrackingNumber.parse(carrierName, answer).value;
}

export function validateDriveCount(driveCount: number, serials: readonly string[]): (answer: string) => number {
  return (answer) => {
    if (!/^[0-9]+$/.test(answer)) throw new Error(`"${answer}" is not a number of drives; type a whole number.`);
    const count = Number(answer);
    if (count !== driveCount) {
      throw new Error(`this job has ${driveCount} drive${driveCount === 1 ? '' : 's'} ready to ship (${serials.join(', ')}); all of them go in the one package, so the package holds ${driveCount}.`);
    }
    return count;
  };
}

export function validateShipDate(now: Date): (answer: string) => string {
  return (answer) => {
    const date = parseCalendarDate(answer);
    if (date > addDays(calendarDateOf(now), 1)) throw new Error(`${date} is in the future; record the package once the carrier has it.`);
    return date;
  };
}

export function validateAccountNumber(answer: string): string {
  const value = answer.replace(/[\s-]+/g, '').toUpperCase();
  if (!/^[A-Z0-9]{4,32}$/.test(value)) throw new Error(`"${answer}" is not a carrier account number; type the 4 to 32 letters and digits of your account with the return carrier.`);
  return value;
}
