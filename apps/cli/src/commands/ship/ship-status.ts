import { type ShippingApi, type ShippingJob } from '../../api/shipping-api';
import { renderTable } from '../../io/table';
import { type CommandContext } from '../command-context';

export interface ShipStatusOptions {
  readonly job?: string;
  readonly json?: boolean;
}

function deadlineCell(job: ShippingJob): string {
  if (job.deadline) return job.deadline.summary;
  return job.awaitingShipment ? 'waiting for shipment' : '';
}

/** Each job's package, carrier status and deadline: a table for people, the API's JSON with --json. */
export async function shipStatus(context: CommandContext, api: ShippingApi, options: ShipStatusOptions): Promise<number> {
  const all = await api.list('all');
  const jobs = options.job === undefined ? all : all.filter((candidate) => candidate.job.id === options.job || candidate.job.importJobName === options.job);
  if (options.job !== undefined && jobs.length === 0) {
    // Not in the list (no shipping yet): ask for it directly, so the API says what is wrong with it.
    jobs.push(await api.get(options.job));
  }
  if (options.json) {
    context.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
    return 0;
  }
  if (jobs.length === 0) {
    context.stdout.write('No job has shipping yet: jobs appear here once their Azure import job exists.\n');
    return 0;
  }
  context.stdout.write(
    renderTable(
      ['JOB', 'STATE', 'CARRIER', 'TRACKING NUMBER', 'DRIVES', 'SHIPPED', 'CARRIER STATUS', 'ARRIVE BY', 'DEADLINE'],
      jobs.map((job) => [
        job.job.importJobName,
        job.job.state,
        job.delivery?.carrierName ?? '-',
        job.delivery?.trackingNumber ?? '-',
        String(job.delivery?.driveCount ?? job.drives.count),
        job.delivery?.shipDate ?? '-',
        job.delivery?.carrierStatus ?? (job.delivery ? 'no news yet' : '-'),
        job.deadline?.arrivalDeadline ?? '-',
        deadlineCell(job),
      ]),
    ),
  );
  return 0;
}
