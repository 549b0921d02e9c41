import { describe, expect, it } from '@jest/globals';

import { loopSerial } from './drive-scanner';

describe('loop device serials', () => {
  it('are the image name without extension, in letters, digits and dashes', () => {
    expect(loopSerial('/var/lib/seedship-test/drives/agent_a.disk-1.img')).toBe('AGENT-A-DISK-1');
    expect(loopSerial('/tmp/d/seed0001.img')).toBe('SEED0001');
  });
});
