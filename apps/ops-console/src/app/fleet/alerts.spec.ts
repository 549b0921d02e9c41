import { buildAlerts, daysUntil } from './alerts';

describe('alerts', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const empty = { failedJobs: [], stuckJobs: [], deadlines: [], problemDrives: [], silentNodes: [] };

  it('counts deadline days in whole UTC days', () => {
    expect(daysUntil(new Date('2026-12-01'), now)).toBe(0);
    expect(daysUntil(new Date('2026-12-04'), now)).toBe(3);
    expect(daysUntil(new Date('2026-11-30'), now)).toBe(-1);
  });

  it('puts critical problems first and says what to do', () => {
    const alerts = buildAlerts(
      {
        ...empty,
        silentNodes: [{ nodeName: 'copy-1', lastHeartbeatAt: new Date('2026-12-01T11:00:00Z') }],
        failedJobs: [
          { id: 'j1', importJobName: 'seed-a', failedInState: 'PREPARING_DRIVES', failureReason: 'bay 2 pulled', updatedAt: new Date('2026-12-01T10:00:00Z') },
        ],
        deadlines: [
          { shipmentId: 's1', jobId: 'j2', importJobName: 'seed-b', carrierName: 'DHL', trackingNumber: '123', arrivalDeadline: new Date('2026-11-29') },
          { shipmentId: 's2', jobId: 'j3', importJobName: 'seed-c', carrierName: 'UPS', trackingNumber: null, arrivalDeadline: new Date('2026-12-03') },
          { shipmentId: 's3', jobId: 'j4', importJobName: 'seed-d', carrierName: 'UPS', trackingNumber: null, arrivalDeadline: new Date('2026-12-20') },
        ],
      },
      now,
    );
    expect(alerts.map((alert) => [alert.severity, alert.kind, alert.importJobName ?? alert.nodeName])).toEqual([
      ['critical', 'DEADLINE_PASSED', 'seed-b'],
      ['critical', 'JOB_FAILED', 'seed-a'],
      ['warning', 'NODE_SILENT', 'copy-1'],
      ['warning', 'DEADLINE_NEAR', 'seed-c'],
    ]);
    expect(alerts[1]?.message).toBe('Job seed-a failed in PREPARING_DRIVES: bay 2 pulled. Fix the cause, then retry the failed step.');
    expect(alerts[3]?.message).toContain('must arrive by 2026-12-03 (2 days left)');
  });

  it('tells the technician where a drive is and what to do with it', () => {
    const [wipe, failed] = buildAlerts(
      {
        ...empty,
        problemDrives: [
          { id: 'd1', serialNumber: 'WD-1', state: 'NEEDS_WIPE_CONFIRMATION', stateReason: null, jobId: null, importJobName: null, nodeName: 'copy-1', baySlot: 'ata-3', updatedAt: now },
          { id: 'd2', serialNumber: 'WD-2', state: 'FAILED', stateReason: 'read-back MD5 mismatch', jobId: 'j', importJobName: 'seed-a', nodeName: 'copy-2', baySlot: null, updatedAt: now },
        ],
      },
      now,
    ).reverse();
    expect(wipe?.message).toBe('Drive WD-1 in copy-1 bay ata-3 has data on it. Release it for wiping if it may be erased, or pull it.');
    expect(failed?.message).toBe('Drive WD-2 on copy-2 failed: read-back MD5 mismatch. Pull it; its data goes back to the plan.');
  });
});
