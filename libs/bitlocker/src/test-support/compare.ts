import { type VolumeLayout } from '../lib/layout';

/**
 * Where two volume images differ outside the layout's reserved regions (readers show those as zeros
 * or, for the spare region, as decrypted zeros): undefined when they agree.
 */
export function firstDifferenceOutsideReserved(actual: Buffer, expected: Buffer, layout: Pick<VolumeLayout, 'reservedRegions'>): number | undefined {
  if (actual.length !== expected.length) return Math.min(actual.length, expected.length);
  const a = Buffer.from(actual);
  const b = Buffer.from(expected);
  for (const region of layout.reservedRegions) {
    a.fill(0, region.offset, region.offset + region.length);
    b.fill(0, region.offset, region.offset + region.length);
  }
  if (a.equals(b)) return undefined;
  for (let i = 0; i < a.length; i += 512) {
    if (!a.subarray(i, i + 512).equals(b.subarray(i, i + 512))) return i;
  }
  return undefined;
}
