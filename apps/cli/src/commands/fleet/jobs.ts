import { JOB_STATES } from '@seedship/domain';

import { EXIT } from '../../api/console-api';
import { type JobDetail, type JobRow, jobDetailSchema, jobPageSchema } from '../../api/console-schemas';
import { CliError } from '../../api/seedship-api';
import { formatBytes, formatDaysLeft, formatProgress, formatTime, orDash } from '../../io/format';
import { renderFields, renderTable } from '../../io/table';
import { type CommandContext } from '../command-context';
import { resolveJobId } from './job-ref';
import { printJson } from './output';
import { type PagingOptions, fetchPages, pageFooter } from './paging';

export interface JobListOptions extends PagingOptions {
  readonly state?: string;
  readonly name?: string;
  readonly json?: boolean;
}

/** --state as a comma-separated list of states, checked here so a typo lists the states there are. */
export function parseStates(flag: string, states: readonly string[]): string[] {
  const wanted = flag.split(',').map((part) => part.trim().toUpperCase());
  const unknown = wanted.filter((state) => !states.includes(state));
  if (unknown.length > 0 || wanted.length === 0) {
    throw new CliError(`--state "${flag}": ${unknown.join(', ') || 'nothing'} is not a state; use one or more (comma-separated) of ${states.join(', ')}.`, EXIT.usage);
  }
  return wanted;
}

function jobRow(job: JobRow): string[] {
  return [
    job.importJobName,
    job.state,
    formatBytes(job.bytesStaged),
    `${job.drives.ready}/${job.drives.total}`,
    formatProgress(job.drives.bytesWritten, job.drives.bytesPlanned),
    job.delivery ? `${job.delivery.carrierName} ${orDash(job.delivery.trackingNumber)}` : '-',
    orDash(job.delivery?.arrivalDeadline),
    orDash(job.azureState),
    job.id,
  ];
}

/** `seedship jobs`: jobs newest first, one page (or --all). */
export async function listJobs(context: CommandContext, options: JobListOptions): Promise<number> {
  const query = new URLSearchParams();
  if (options.state !== undefined) query.set('state', parseStates(options.state, JOB_STATES).join(','));
  if (options.name !== undefined) query.set('search', options.name);
  const { page, raw } = await fetchPages(context.console(), '/api/jobs', query, jobPageSchema, options);
  if (options.json) return printJson(context, raw);
  context.stdout.write(renderTable(['JOB', 'STATE', 'STAGED', 'DRIVES READY', 'WRITTEN', 'PACKAGE', 'ARRIVE BY', 'AZURE', 'ID'], page.items.map(jobRow)));
  context.stdout.write(pageFooter(page, 'job'));
  return 0;
}

function addressLines(address: Record<string, unknown> | null): string {
  if (address === null) return '  Not known yet: the import-orchestrator stores it when it creates the Azure job.\n';
  const field = (name: string) => (typeof address[name] === 'string' && address[name] !== '' ? address[name] : undefined);
  const cityLine = [field('postalCode'), field('city'), field('stateOrProvince')].filter(Boolean).join(' ');
  const lines = [field('recipientName'), field('streetAddress1'), field('streetAddress2'), field('streetAddress3'), cityLine, field('countryOrRegion')];
  const phone = field('phone');
  return [...lines.filter((line): line is string => line !== undefined && line !== ''), ...(phone ? [`Phone: ${phone}`] : [])].map((line) => `  ${line}\n`).join('');
}

export function renderJobDetail(job: JobDetail): string {
  const parts: string[] = [];
  parts.push(
    renderFields([
      ['Job', job.importJobName],
      ['Id', job.id],
      ['State', job.state],
      ...(job.failureReason ? ([['Failed', `${job.failureReason} (in ${orDash(job.failedInState)})`]] as const) : []),
      ['Provider', job.provider],
      ['Destination', `${job.storageAccount}/${job.container} in ${job.location} (subscription ${job.subscriptionId}, group ${job.resourceGroup})`],
      ['Azure job', orDash(job.azureJobResourceId)],
      ['Azure state', job.azureJob[0] ? `${job.azureJob[0].azureState}${job.azureJob[0].percentComplete === null ? '' : ` (${job.azureJob[0].percentComplete}%)`}, seen ${formatTime(job.azureJob[0].observedAt)}` : '-'],
      ['Staged', formatBytes(job.bytesStaged)],
      ['Drives', `${job.drives.ready} of ${job.drives.total} ready, ${formatProgress(job.drives.bytesWritten, job.drives.bytesPlanned)}`],
      ['Created', formatTime(job.createdAt)],
    ]),
  );
  if (job.alerts.length > 0) {
    parts.push('\nALERTS\n');
    parts.push(renderTable(['SEVERITY', 'KIND', 'WHAT'], job.alerts.map((alert) => [alert.severity, alert.kind, alert.message])));
  }

  parts.push('\nDRIVES\n');
  const azureOf = new Map(job.azureDrives.filter((drive) => drive.driveId !== null).map((drive) => [drive.driveId, drive]));
  parts.push(
    job.driveList.length === 0
      ? 'No drives claimed yet.\n'
      : renderTable(
          ['SERIAL', 'STATE', 'NODE', 'BAY', 'PROGRESS', 'AZURE STATE', 'COPY', 'IMPORTED'],
          job.driveList.map((drive) => {
            const azure = azureOf.get(drive.id);
            return [
              drive.serialNumber,
              drive.state,
              orDash(drive.nodeName),
              orDash(drive.bayLabel ?? drive.baySlot),
              formatProgress(drive.bytesWritten, drive.bytesPlanned),
              orDash(azure?.azureState),
              azure ? `${orDash(azure.copyStatus)}${azure.percentComplete === null ? '' : ` ${azure.percentComplete}%`}` : '-',
              azure?.bytesSucceeded ? formatBytes(azure.bytesSucceeded) : '-',
            ];
          }),
        ),
  );
  const unmatched = job.azureDrives.filter((drive) => drive.driveId === null);
  if (unmatched.length > 0) {
    parts.push('Azure reports drives Seedship does not know:\n');
    parts.push(renderTable(['AZURE DRIVE', 'STATE', 'COPY'], unmatched.map((drive) => [drive.azureDriveId, drive.azureState, orDash(drive.copyStatus)])));
  }
  const errorLogs = job.azureDrives.filter((drive) => drive.errorLogUri !== null);
  for (const drive of errorLogs) parts.push(`Azure error log of ${drive.azureDriveId}: ${drive.errorLogUri}\n`);

  parts.push('\nSHIPPING\n');
  parts.push(
    job.shipments.length === 0
      ? 'Nothing recorded yet (`seedship ship update` records the package).\n'
      : renderTable(
          ['PACKAGE', 'CARRIER', 'TRACKING NUMBER', 'DRIVES', 'SHIPPED', 'ARRIVE BY', 'LEFT', 'CARRIER STATUS', 'DELIVERED'],
          job.shipments.map((shipment) => [
            shipment.direction.toLowerCase(),
            shipment.carrierName,
            orDash(shipment.trackingNumber),
            orDash(shipment.driveCount),
            orDash(shipment.shipDate),
            orDash(shipment.arrivalDeadline),
            shipment.daysToDeadline === null || shipment.deliveredAt !== null ? '-' : formatDaysLeft(shipment.daysToDeadline),
            orDash(shipment.carrierStatus),
            shipment.deliveredAt === null ? '-' : formatTime(shipment.deliveredAt),
          ]),
        ),
  );

  parts.push('\nDATACENTER ADDRESS (ship the drives here)\n');
  parts.push(addressLines(job.datacenterAddress));

  parts.push('\nTIMELINE (newest first)\n');
  parts.push(
    job.timeline.length === 0
      ? 'Nothing recorded yet.\n'
      : renderTable(
          ['AT', 'WHO', 'WHAT', 'STATE'],
          job.timeline.map((entry) => [
            formatTime(entry.at),
            entry.actor,
            entry.action,
            entry.fromState || entry.toState ? `${orDash(entry.fromState)} -> ${orDash(entry.toState)}` : '',
          ]),
        ),
  );
  return parts.join('');
}

/** `seedship jobs show <id|name>`: one job in full. */
export async function showJob(context: CommandContext, ref: string, options: { json?: boolean }): Promise<number> {
  const api = context.console();
  const jobId = await resolveJobId(api, ref);
  const detail = await api.get(`/api/jobs/${encodeURIComponent(jobId)}`, jobDetailSchema, '`seedship jobs` lists the jobs.');
  if (options.json) return printJson(context, detail.raw);
  context.stdout.write(renderJobDetail(detail.value));
  return 0;
}
