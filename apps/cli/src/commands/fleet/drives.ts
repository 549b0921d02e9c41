import { DRIVE_STATES } from '@seedship/contracts';

import { EXIT } from '../../api/console-api';
import { type Drive, actionResultSchema, drivePageSchema, driveSchema } from '../../api/console-schemas';
import { CliError } from '../../api/seedship-api';
import { formatBytes, formatProgress, formatTime, orDash } from '../../io/format';
import { Prompter } from '../../io/prompter';
import { renderFields, renderTable } from '../../io/table';
import { type CommandContext, isInteractive } from '../command-context';
import { isUuid, resolveJobId } from './job-ref';
import { parseStates } from './jobs';
import { printJson } from './output';
import { type PagingOptions, fetchPages, pageFooter } from './paging';

export interface DriveListOptions extends PagingOptions {
  readonly job?: string;
  readonly state?: string;
  readonly node?: string;
  readonly json?: boolean;
}

/** `seedship drives`: drives newest first, by job, state or node. */
export async function listDrives(context: CommandContext, options: DriveListOptions): Promise<number> {
  const api = context.console();
  const query = new URLSearchParams();
  if (options.state !== undefined) query.set('state', parseStates(options.state, DRIVE_STATES).join(','));
  if (options.job !== undefined) query.set('jobId', await resolveJobId(api, options.job));
  if (options.node !== undefined) query.set('nodeName', options.node);
  const { page, raw } = await fetchPages(api, '/api/drives', query, drivePageSchema, options);
  if (options.json) return printJson(context, raw);
  context.stdout.write(
    renderTable(
      ['SERIAL', 'STATE', 'JOB', 'NODE', 'BAY', 'SIZE', 'PROGRESS', 'NOTE', 'ID'],
      page.items.map((drive) => [
        drive.serialNumber,
        drive.state,
        orDash(drive.importJobName),
        orDash(drive.nodeName),
        orDash(drive.bayLabel ?? drive.baySlot),
        formatBytes(drive.sizeBytes),
        formatProgress(drive.bytesWritten, drive.bytesPlanned),
        drive.stateReason ?? (drive.wipeReleasedBy ? `released for wiping by ${drive.wipeReleasedBy}` : ''),
        drive.id,
      ]),
    ),
  );
  context.stdout.write(pageFooter(page, 'drive'));
  return 0;
}

function describeDrive(drive: Drive): string {
  return renderFields([
    ['Drive', `${drive.serialNumber}${drive.model ? ` (${drive.model}, ${formatBytes(drive.sizeBytes)})` : ` (${formatBytes(drive.sizeBytes)})`}`],
    ['Id', drive.id],
    ['State', drive.state],
    ['Found', orDash(drive.stateReason)],
    ['Where', drive.nodeName ? `${drive.nodeName}, ${orDash(drive.bayLabel ?? drive.baySlot)}` : '-'],
    ['Job', orDash(drive.importJobName)],
    ['Last change', formatTime(drive.updatedAt)],
  ]);
}

export interface ReleaseOptions {
  readonly job?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
}

/**
 * `seedship drives release <driveId>`: confirm that a drive found with data on it may be wiped. Shows
 * the drive and asks for "yes" first unless --yes; without a terminal, --yes is required.
 */
export async function releaseDrive(context: CommandContext, driveId: string, options: ReleaseOptions): Promise<number> {
  if (!isUuid(driveId)) throw new CliError(`"${driveId}" is not a drive id; ids are UUIDs, as \`seedship drives\` and \`seedship nodes --json\` show them.`, EXIT.usage);
  const interactive = isInteractive(context) && options.yes !== true;
  if (!interactive && options.yes !== true) {
    throw new CliError(`Standard input is not a terminal, so the release cannot be confirmed; pass --yes to release drive ${driveId} for wiping.`, EXIT.usage);
  }
  // With --json, stdout carries only the result; everything for people goes to stderr.
  const out = options.json ? context.stderr : context.stdout;
  const api = context.console();
  const { value: drive } = await api.get(`/api/drives/${driveId}`, driveSchema, '`seedship drives --state NEEDS_WIPE_CONFIRMATION` lists the drives waiting for it.');
  if (drive.state !== 'NEEDS_WIPE_CONFIRMATION') {
    throw new CliError(
      `Drive ${drive.serialNumber} is ${drive.state}; only a drive waiting for wipe confirmation (NEEDS_WIPE_CONFIRMATION) can be released for wiping. Nothing was changed.`,
    );
  }
  const jobId = options.job === undefined ? undefined : await resolveJobId(api, options.job);
  out.write(describeDrive(drive));
  out.write('Releasing it lets the disk-prep agent claim the drive and erase everything on it.\n');
  if (interactive) {
    const prompter = new Prompter(context.stdin, out);
    try {
      const confirmed = await prompter.ask(`Release ${drive.serialNumber} for wiping? Type yes to release, anything else to cancel`, {
        validate: (answer) => answer.toLowerCase() === 'yes',
      });
      if (!confirmed) {
        out.write('Not released; nothing was changed.\n');
        return EXIT.failed;
      }
    } finally {
      prompter.close();
    }
  }
  const result = await api.post(`/api/drives/${driveId}/release-for-wipe`, jobId === undefined ? {} : { jobId }, actionResultSchema, '');
  if (options.json) printJson(context, result.raw);
  out.write(
    `Released ${drive.serialNumber} for wiping (${result.value.from} -> ${result.value.to}); ${drive.nodeName ? `the agent on ${drive.nodeName}` : 'the disk-prep agent'} may now claim and format it.\n`,
  );
  return 0;
}
