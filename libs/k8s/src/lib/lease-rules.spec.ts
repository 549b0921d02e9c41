import { describe, expect, it } from '@jest/globals';

import { mayHoldLease, objectName } from './lease-rules';

describe('lease rules', () => {
  const now = new Date('2026-12-01T08:00:00Z');

  it('takes a free lease and renews its own', () => {
    expect(mayHoldLease({ holderIdentity: undefined, renewTime: undefined, leaseDurationSeconds: undefined }, 'agent-a', now)).toBe(true);
    expect(mayHoldLease({ holderIdentity: 'agent-a', renewTime: now, leaseDurationSeconds: 30 }, 'agent-a', now)).toBe(true);
  });

  it('leaves a lease another holder renewed within its duration', () => {
    const renewed = new Date(now.getTime() - 29_000);
    expect(mayHoldLease({ holderIdentity: 'agent-b', renewTime: renewed, leaseDurationSeconds: 30 }, 'agent-a', now)).toBe(false);
  });

  it('takes over a lease whose holder stopped renewing', () => {
    const stale = new Date(now.getTime() - 31_000);
    expect(mayHoldLease({ holderIdentity: 'agent-b', renewTime: stale, leaseDurationSeconds: 30 }, 'agent-a', now)).toBe(true);
  });

  it('makes valid object names from node names and serials', () => {
    expect(objectName('seedship-disk-prep', 'Copy_Node.01')).toBe('seedship-disk-prep-copy-node.01');
    expect(objectName('x'.repeat(300))).toHaveLength(253);
  });
});
