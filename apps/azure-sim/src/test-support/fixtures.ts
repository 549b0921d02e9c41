import { RecoveryPassword } from '@seedship/domain';

/** A valid 48-digit recovery password made from `seed` (each group a multiple of 11, as BitLocker requires). */
export function recoveryPasswordFor(seed: number): string {
  const groups = Array.from({ length: 8 }, (_, index) => String((((seed * 7919 + index * 104729) % 65536) * 11)).padStart(6, '0'));
  const text = groups.join('-');
  RecoveryPassword.parse(text);
  return text;
}

export const SUBSCRIPTION = '00000000-0000-4000-8000-0000000000aa';

export function storageAccountId(resourceGroup: string, account: string): string {
  return `/subscriptions/${SUBSCRIPTION}/resourceGroups/${resourceGroup}/providers/Microsoft.Storage/storageAccounts/${account}`;
}

export const RETURN_ADDRESS = {
  recipientName: 'Seedship Ops',
  streetAddress1: '1 Copy Room Lane',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  countryOrRegion: 'USA',
  phone: '4250000000',
  email: 'ops@seedship.example',
};
