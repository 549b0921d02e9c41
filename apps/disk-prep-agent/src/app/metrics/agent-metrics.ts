import { Injectable } from '@nestjs/common';

/** The agent's numbers for Prometheus; rendered in its text exposition format by MetricsController. */
@Injectable()
export class AgentMetrics {
  /** Drives of this node by state, as of the last scan. */
  drivesByState = new Map<string, number>();
  drivesReady = 0;
  drivesFailed = 0;
  claims = 0;
  bytesWritten = 0;
  /** Drives being written now, with their current rate. */
  readonly writeRates = new Map<string, number>();
  scans = 0;
  lastScanSeconds = 0;

  render(nodeName: string): string {
    const node = `node="${escapeLabel(nodeName)}"`;
    const lines = [
      '# HELP seedship_diskprep_drives Drives on this copy node by state.',
      '# TYPE seedship_diskprep_drives gauge',
      ...[...this.drivesByState].map(([state, count]) => `seedship_diskprep_drives{${node},state="${state}"} ${count}`),
      '# HELP seedship_diskprep_drives_ready_total Drives this agent wrote and verified.',
      '# TYPE seedship_diskprep_drives_ready_total counter',
      `seedship_diskprep_drives_ready_total{${node}} ${this.drivesReady}`,
      '# HELP seedship_diskprep_drives_failed_total Drives that failed while this agent wrote them (pulled, I/O error, verification).',
      '# TYPE seedship_diskprep_drives_failed_total counter',
      `seedship_diskprep_drives_failed_total{${node}} ${this.drivesFailed}`,
      '# HELP seedship_diskprep_claims_total Drives this agent claimed for a job.',
      '# TYPE seedship_diskprep_claims_total counter',
      `seedship_diskprep_claims_total{${node}} ${this.claims}`,
      '# HELP seedship_diskprep_bytes_written_total Bytes written to drives that became ready.',
      '# TYPE seedship_diskprep_bytes_written_total counter',
      `seedship_diskprep_bytes_written_total{${node}} ${this.bytesWritten}`,
      '# HELP seedship_diskprep_write_bytes_per_second Current write rate of each drive being prepared.',
      '# TYPE seedship_diskprep_write_bytes_per_second gauge',
      ...[...this.writeRates].map(([serial, rate]) => `seedship_diskprep_write_bytes_per_second{${node},serial="${escapeLabel(serial)}"} ${rate.toFixed(0)}`),
      '# HELP seedship_diskprep_scan_seconds Duration of the last sysfs scan.',
      '# TYPE seedship_diskprep_scan_seconds gauge',
      `seedship_diskprep_scan_seconds{${node}} ${this.lastScanSeconds.toFixed(3)}`,
      '# HELP seedship_diskprep_scans_total Sysfs scans done.',
      '# TYPE seedship_diskprep_scans_total counter',
      `seedship_diskprep_scans_total{${node}} ${this.scans}`,
    ];
    return `${lines.join('\n')}\n`;
  }
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
