import { DRIVE_STATES } from '@seedship/contracts';
import { JOB_STATES } from '@seedship/domain';

import { type Overview, overviewSchema } from '../../api/console-schemas';
import { formatBytes, formatDaysLeft, formatProgress, formatTime, orDash } from '../../io/format';
import { renderFields, renderTable } from '../../io/table';
import { type CommandContext } from '../command-context';
import { printJson } from './output';

function section(title: string): string {
  return `\n${title}\n`;
}

/** Counts in the order of the state machine, leaving out states nobody is in. */
function countsInOrder(states: readonly string[], counts: Record<string, number>): string[][] {
  return states.filter((state) => (counts[state] ?? 0) > 0).map((state) => [state, String(counts[state])]);
}

export function renderOverview(overview: Overview, consoleUrl: string): string {
  const parts: string[] = [`Seedship fleet at ${formatTime(overview.generatedAt)} (${consoleUrl})\n`];

  // What needs a person comes first: alerts, then the packages racing their arrival deadline.
  const { critical, warning } = overview.alertCounts;
  parts.push(section(`ALERTS: ${critical} critical, ${warning} warning${overview.alerts.length < critical + warning ? ` (first ${overview.alerts.length} shown)` : ''}`));
  parts.push(
    overview.alerts.length === 0
      ? 'Nothing needs attention.\n'
      : renderTable(
          ['SEVERITY', 'KIND', 'JOB', 'NODE', 'SINCE', 'WHAT'],
          overview.alerts.map((alert) => [alert.severity, alert.kind, orDash(alert.importJobName), orDash(alert.nodeName), formatTime(alert.since), alert.message]),
        ),
  );
  parts.push(section('DEADLINES (packages not yet delivered, earliest first)'));
  parts.push(
    overview.deadlines.length === 0
      ? 'No package is on its way.\n'
      : renderTable(
          ['JOB', 'PACKAGE', 'CARRIER', 'TRACKING NUMBER', 'ARRIVE BY', 'LEFT'],
          overview.deadlines.map((deadline) => [
            deadline.importJobName,
            deadline.direction.toLowerCase(),
            deadline.carrierName,
            orDash(deadline.trackingNumber),
            deadline.arrivalDeadline,
            formatDaysLeft(deadline.daysLeft),
          ]),
        ),
  );

  parts.push(section('BYTES'));
  parts.push(
    renderFields([
      ['Staged', formatBytes(overview.bytes.staged)],
      ['On drives', formatBytes(overview.bytes.onDrives)],
      ['In transit', formatBytes(overview.bytes.inTransit)],
      ['Imported', formatBytes(overview.bytes.imported)],
      ['Verified', formatBytes(overview.bytes.verified)],
    ]),
  );

  parts.push(section(`JOBS: ${overview.jobs.total} (${overview.jobs.active} active, ${overview.jobs.failed} failed)`));
  const jobCounts = countsInOrder(JOB_STATES, overview.jobsByState);
  parts.push(jobCounts.length === 0 ? 'No jobs yet.\n' : renderTable(['STATE', 'JOBS'], jobCounts));

  const driveCounts = countsInOrder(DRIVE_STATES, overview.drivesByState);
  parts.push(section('DRIVES'));
  parts.push(driveCounts.length === 0 ? 'No drives yet.\n' : renderTable(['STATE', 'DRIVES'], driveCounts));

  const { nodes, silentNodes, bays, occupiedBays } = overview.fleet;
  parts.push(section('COPY NODES'));
  parts.push(renderFields([['Nodes', `${nodes} (${silentNodes} silent)`], ['Bays', `${bays} (${occupiedBays} with a drive)`]]));

  if (overview.activeDrives.length > 0) {
    parts.push(section('DRIVES BEING WRITTEN'));
    parts.push(
      renderTable(
        ['SERIAL', 'STATE', 'JOB', 'NODE', 'BAY', 'PROGRESS'],
        overview.activeDrives.map((drive) => [
          drive.serialNumber,
          drive.state,
          orDash(drive.importJobName),
          orDash(drive.nodeName),
          orDash(drive.bayLabel ?? drive.baySlot),
          formatProgress(drive.bytesWritten, drive.bytesPlanned),
        ]),
      ),
    );
  }
  return parts.join('');
}

/** `seedship status`: the fleet overview, alerts and deadlines first. */
export async function fleetStatus(context: CommandContext, options: { json?: boolean }): Promise<number> {
  const api = context.console();
  const overview = await api.get('/api/overview', overviewSchema, '');
  if (options.json) return printJson(context, overview.raw);
  context.stdout.write(renderOverview(overview.value, api.baseUrl));
  return 0;
}
