/** Windows FILETIME: 100-ns ticks since 1601-01-01 UTC. */
const EPOCH_DIFFERENCE_MS = 11_644_473_600_000n;

export function dateToFiletime(date: Date): bigint {
  return (BigInt(date.getTime()) + EPOCH_DIFFERENCE_MS) * 10_000n;
}

export function filetimeToDate(filetime: bigint): Date {
  return new Date(Number(filetime / 10_000n - EPOCH_DIFFERENCE_MS));
}
