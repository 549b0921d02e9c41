/** What a Lease says about its holder (coordination.k8s.io/v1 LeaseSpec, as far as we use it). */
export interface LeaseState {
  readonly holderIdentity: string | undefined;
  readonly renewTime: Date | undefined;
  readonly leaseDurationSeconds: number | undefined;
}

/**
 * Whether `identity` may take or renew the lease at `now`: it is free, ours already, or its holder
 * stopped renewing for longer than its duration (a crashed or replaced pod).
 */
export function mayHoldLease(lease: LeaseState, identity: string, now: Date): boolean {
  if (!lease.holderIdentity || lease.holderIdentity === identity) return true;
  if (!lease.renewTime || !lease.leaseDurationSeconds) return true;
  return now.getTime() - lease.renewTime.getTime() > lease.leaseDurationSeconds * 1000;
}

/** Kubernetes object names: lowercase RFC 1123 subdomain, at most 253 characters. */
export function objectName(...parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  return name.slice(0, 253).replace(/[-.]+$/, '');
}
