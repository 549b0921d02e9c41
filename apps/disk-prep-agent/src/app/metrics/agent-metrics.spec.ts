import { describe, expect, it } from '@jest/globals';

import { AgentMetrics } from './agent-metrics';

describe('agent metrics', () => {
  it('renders Prometheus text with a HELP and TYPE line per family and escaped labels', () => {
    const metrics = new AgentMetrics();
    metrics.drivesByState.set('READY', 2);
    metrics.drivesReady = 2;
    metrics.writeRates.set('SER"1', 1234.4);
    const text = metrics.render('copy-1');
    expect(text).toContain('seedship_diskprep_drives{node="copy-1",state="READY"} 2\n');
    expect(text).toContain('seedship_diskprep_drives_ready_total{node="copy-1"} 2\n');
    expect(text).toContain('seedship_diskprep_write_bytes_per_second{node="copy-1",serial="SER\\"1"} 1234\n');
    for (const line of text.trim().split('\n')) {
      expect(line).toMatch(/^(# (HELP|TYPE) seedship_diskprep_[a-z_]+ .+|seedship_diskprep_[a-z_]+\{[^}]*\} [0-9.]+)$/);
    }
  });
});
