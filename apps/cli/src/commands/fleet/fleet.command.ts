import { type Command } from 'commander';

import { type CommandRunner } from '../command-runner';
import { type DriveListOptions, type ReleaseOptions, listDrives, releaseDrive } from './drives';
import { type JobListOptions, listJobs, showJob } from './jobs';
import { listNodes } from './nodes';
import { fleetStatus } from './status';

const JSON_HELP = 'print the console\'s JSON for scripts instead of a table';

function withPaging(command: Command): Command {
  return command
    .option('--limit <n>', 'rows per page, 1-500', '50')
    .option('--cursor <cursor>', 'the next page, as the previous page said')
    .option('--all', 'every page, not just the first');
}

/** `seedship status|jobs|drives|nodes`: the fleet, over the ops console's API (bearer token). */
export function registerFleetCommands(program: Command, run: CommandRunner): void {
  program
    .command('status')
    .description('fleet overview: alerts and deadlines first, then bytes staged / on drives / in transit / imported / verified, jobs and drives by state')
    .option('--json', JSON_HELP)
    .action((options: { json?: boolean }) => run((context) => fleetStatus(context, options)));

  // `list` is the default subcommand, so `seedship jobs --state X` lists, and the options of `show`
  // (also --json) are never taken for the list's.
  const jobs = program.command('jobs').description('seeding jobs: `seedship jobs` lists them, `seedship jobs show <job>` shows one');
  withPaging(
    jobs
      .command('list', { isDefault: true })
      .description('seeding jobs, newest first (the default: `seedship jobs --state FAILED`)')
      .option('--state <states>', 'only jobs in these states (comma-separated), e.g. FAILED or SHIPPING,RECEIVED')
      .option('--name <text>', 'only jobs whose import job name contains this'),
  )
    .option('--json', JSON_HELP)
    .action((options: JobListOptions) => run((context) => listJobs(context, options)));
  jobs
    .command('show')
    .description('one job: drives with progress, Azure job and drive states, shipping, datacenter address, timeline')
    .argument('<job>', 'the job id or its import job name')
    .option('--json', JSON_HELP)
    .action((job: string, options: { json?: boolean }) => run((context) => showJob(context, job, options)));

  const drives = program.command('drives').description('drives: `seedship drives` lists them, `seedship drives release <driveId>` releases one for wiping');
  withPaging(
    drives
      .command('list', { isDefault: true })
      .description('drives, newest first (the default: `seedship drives --job <job>`)')
      .option('--job <job>', 'only the drives of this job (id or import job name)')
      .option('--state <states>', 'only drives in these states (comma-separated), e.g. NEEDS_WIPE_CONFIRMATION')
      .option('--node <name>', 'only drives on this copy node'),
  )
    .option('--json', JSON_HELP)
    .action((options: DriveListOptions) => run((context) => listDrives(context, options)));
  drives
    .command('release')
    .description('confirm that a drive found with data on it may be wiped (operator role); asks first unless --yes')
    .argument('<driveId>', 'the drive id, as `seedship drives` shows it')
    .option('--job <job>', 'the job the drive is released for (default: the drive\'s own job, if any)')
    .option('--yes', 'release without asking (needed when stdin is not a terminal)')
    .option('--json', 'print the console\'s result as JSON on stdout')
    .action((driveId: string, options: ReleaseOptions) => run((context) => releaseDrive(context, driveId, options)));

  program
    .command('nodes')
    .description('copy nodes and their bays: which drive is in which bay, what to pull, what to insert next')
    .option('--json', JSON_HELP)
    .action((options: { json?: boolean }) => run((context) => listNodes(context, options)));
}
