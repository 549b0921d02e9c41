import { arrivalDeadline, calendarDateOf } from '@seedship/domain';

import { ApiError, CliError } from '../../api/seedship-api';
import { type ShippingApi, type ShippingDetails, type ShippingJob } from '../../api/shipping-api';
import { Prompter } from '../../io/prompter';
import { renderFields, renderTable } from '../../io/table';
import { type CommandContext, isInteractive } from '../command-context';
import {
  FIELD_OF_API_FIELD,
  FLAG_OF,
  SHIPPING_FIELDS,
  type ShippingField,
  validateAccountNumber,
  validateCarrier,
  validateDriveCount,
  validateShipDate,
  validateTrackingNumber,
} from './shipping-fields';

export interface ShipUpdateOptions {
  readonly job?: string;
  readonly carrier?: string;
  readonly trackingNumber?: string;
  readonly drives?: string;
  readonly shipDate?: string;
  readonly returnCarrier?: string;
  readonly returnAccount?: string;
  readonly yes?: boolean;
  readonly json?: boolean;
}

type Answers = { carrier?: string; trackingNumber?: string; drives?: number; shipDate?: string; returnCarrier?: string; returnAccount?: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Finds the job by id or import job name; without one, the job waiting for shipment (asking which if several). */
async function chooseJob(api: ShippingApi, wanted: string | undefined, prompter: Prompter | undefined, out: NodeJS.WritableStream): Promise<ShippingJob> {
  if (wanted !== undefined) {
    if (UUID.test(wanted)) return api.get(wanted);
    const byName = (await api.list('all')).find((candidate) => candidate.job.importJobName === wanted);
    if (!byName) throw new CliError(`No job named ${wanted} has shipping to record; \`seedship ship status\` lists the jobs.`);
    return byName;
  }
  const awaiting = await api.list('awaiting');
  if (awaiting.length === 0) throw new CliError('No job is waiting for shipment (its Azure import job created, its package not recorded). Use --job to correct a recorded package.');
  if (awaiting.length === 1 && awaiting[0]) {
    out.write(`One job is waiting for shipment: ${awaiting[0].job.importJobName}.\n`);
    return awaiting[0];
  }
  if (!prompter) {
    throw new CliError(`${awaiting.length} jobs are waiting for shipment (${awaiting.map((candidate) => candidate.job.importJobName).join(', ')}); say which with --job.`);
  }
  out.write('Jobs waiting for shipment:\n');
  out.write(
    renderTable(
      ['#', 'JOB', 'DRIVES', 'DATACENTER'],
      awaiting.map((candidate, index) => [String(index + 1), candidate.job.importJobName, String(candidate.drives.count), candidate.job.location]),
    ),
  );
  return prompter.ask(`Which job? (1-${awaiting.length})`, {
    validate: (answer) => {
      const chosen = /^[0-9]+$/.test(answer) ? awaiting[Number(answer) - 1] : awaiting.find((candidate) => candidate.job.importJobName === answer);
      if (!chosen) throw new Error(`type a number from 1 to ${awaiting.length}, or the job's name.`);
      return chosen;
    },
  });
}

function describeDatacenter(job: ShippingJob): string {
  const datacenter = job.datacenter;
  if (!datacenter) return '  (not known yet)\n';
  const lines = [
    datacenter.recipientName,
    datacenter.streetAddress1,
    datacenter.streetAddress2,
    [datacenter.postalCode, datacenter.city, datacenter.stateOrProvince].filter(Boolean).join(' '),
    datacenter.countryOrRegion,
    datacenter.phone ? `phone ${datacenter.phone}` : undefined,
  ].filter((line): line is string => typeof line === 'string' && line.length > 0);
  return lines.map((line) => `  ${line}\n`).join('');
}

/** Checks one answer given as a flag; a bad flag stops the command with the reason and the flag's name. */
function fromFlag<T>(field: ShippingField, value: string | undefined, validate: (answer: string) => T): T | undefined {
  if (value === undefined) return undefined;
  try {
    return validate(value.trim());
  } catch (error) {
    throw new CliError(`${FLAG_OF[field]} ${JSON.stringify(value)}: ${error instanceof Error ? error.message : String(error)}`, 2);
  }
}

export async function shipUpdate(context: CommandContext, api: ShippingApi, options: ShipUpdateOptions): Promise<number> {
  const interactive = isInteractive(context) && options.yes !== true;
  // With --json, stdout carries only the result; everything for people goes to stderr.
  const out = options.json ? context.stderr : context.stdout;
  if (!interactive && options.yes !== true) {
    throw new CliError('Standard input is not a terminal, so the details cannot be reviewed; pass every field as a flag and --yes to commit them.', 2);
  }
  const prompter = interactive ? new Prompter(context.stdin, out) : undefined;
  try {
    const job = await chooseJob(api, options.job, prompter, out);
    if (!job.datacenter) {
      throw new CliError(`The destination datacenter of ${job.job.importJobName} is not known yet (the import-orchestrator stores it when it creates the Azure job); try again then.`);
    }
    const supported = job.datacenter.supportedCarriers;
    out.write(`\nJob ${job.job.importJobName} (${job.job.id}), ${job.job.state}\n`);
    out.write(`Drives for the package (${job.drives.count}): ${job.drives.serialNumbers.join(', ') || 'none'}\n`);
    out.write(`Ship to the ${job.job.location} datacenter:\n${describeDatacenter(job)}`);
    out.write(`Carriers it accepts: ${supported.join(', ')}\n\n`);

    const answers: Answers = {
      carrier: fromFlag('carrier', options.carrier, validateCarrier(supported)),
      drives: fromFlag('drives', options.drives, validateDriveCount(job.drives.count, job.drives.serialNumbers)),
      shipDate: fromFlag('shipDate', options.shipDate, validateShipDate(context.now())),
      returnCarrier: fromFlag('returnCarrier', options.returnCarrier, validateCarrier(supported)),
      returnAccount: fromFlag('returnAccount', options.returnAccount, validateAccountNumber),
    };
    if (answers.carrier) answers.trackingNumber = fromFlag('trackingNumber', options.trackingNumber, validateTrackingNumber(answers.carrier));

    for (;;) {
      const missing = SHIPPING_FIELDS.filter((field) => answers[field] === undefined);
      if (!prompter && missing.length > 0) {
        throw new CliError(`Missing ${missing.map((field) => FLAG_OF[field]).join(', ')}; with --yes every field must be given as a flag.`, 2);
      }
      if (prompter) await askMissing(prompter, job, answers, context.now());
      const details = detailsOf(answers);
      const problems = await checkWithApi(api, job, details);
      if (problems.length === 0) break;
      for (const problem of problems) out.write(`  ✗ ${problem.message}\n`);
      if (!prompter) throw new CliError('The API refused these shipping details (see above); nothing was changed.');
      out.write('Answer those again:\n');
      for (const problem of problems) delete answers[problem.field];
    }

    const details = detailsOf(answers);
    out.write('\nReview the shipping details:\n');
    out.write(
      renderFields([
        ['Job', `${job.job.importJobName} (${job.job.id})`],
        ['Carrier', details.delivery.carrierName],
        ['Tracking number', details.delivery.trackingNumber],
        ['Drives in the package', String(details.delivery.driveCount)],
        ['Ship date', details.delivery.shipDate],
        ['Must arrive by', arrivalDeadline(details.delivery.shipDate)],
        ['Return carrier', details.returnShipping.carrierName],
        ['Return carrier account', details.returnShipping.carrierAccountNumber],
      ]),
    );
    if (job.delivery) out.write(`This replaces the recorded package (${job.delivery.carrierName} ${job.delivery.trackingNumber}, shipped ${job.delivery.shipDate}).\n`);

    if (prompter) {
      const confirmed = await prompter.ask('Commit these shipping details? Type yes to commit, anything else to cancel', { validate: (answer) => answer.toLowerCase() === 'yes' });
      if (!confirmed) {
        out.write('Not committed; nothing was changed.\n');
        return 1;
      }
    }
    const result = await api.record(job.job.id, details, { dryRun: false });
    if (options.json) {
      context.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    }
    const view = result.view;
    out.write(result.changed ? '\nCommitted.\n' : '\nThese details were already recorded; nothing changed.\n');
    out.write(
      `The record is kept in the Seedship database (table ${view.record.table}, row${view.record.ids.length === 1 ? '' : 's'} ${view.record.ids.join(', ')}) and served at ${api.baseUrl}${view.record.path}.\n`,
    );
    out.write(`The import-orchestrator applies it to the Azure import job ${view.job.importJobName}.\n`);
    if (view.deadline) out.write(`The drives must arrive by ${view.deadline.arrivalDeadline} (${view.deadline.summary}).\n`);
    return 0;
  } finally {
    prompter?.close();
  }
}

async function askMissing(prompter: Prompter, job: ShippingJob, answers: Answers, now: Date): Promise<void> {
  const supported = job.datacenter?.supportedCarriers ?? [];
  // Correcting a recorded package: what is recorded is the default, so only the mistake needs typing.
  const recorded = job.delivery;
  answers.carrier ??= await prompter.ask(`Carrier (${supported.join(', ')})`, {
    ...(recorded ? { defaultAnswer: recorded.carrierName } : {}),
    validate: validateCarrier(supported),
  });
  const carrier = answers.carrier;
  answers.trackingNumber ??= await prompter.ask(`${carrier} tracking number`, {
    ...(recorded && recorded.carrierName === carrier ? { defaultAnswer: recorded.trackingNumber } : {}),
    validate: validateTrackingNumber(carrier),
  });
  answers.drives ??= await prompter.ask('Number of drives in the package', {
    defaultAnswer: String(job.drives.count),
    validate: validateDriveCount(job.drives.count, job.drives.serialNumbers),
  });
  answers.shipDate ??= await prompter.ask('Ship date (YYYY-MM-DD)', { defaultAnswer: recorded?.shipDate ?? calendarDateOf(now), validate: validateShipDate(now) });
  answers.returnCarrier ??= await prompter.ask('Return carrier (Azure ships the drives back with it)', {
    defaultAnswer: job.returnShipping?.carrierName ?? carrier,
    validate: validateCarrier(supported),
  });
  answers.returnAccount ??= await prompter.ask(`Your ${answers.returnCarrier} account number for the return`, {
    ...(job.returnShipping ? { defaultAnswer: job.returnShipping.carrierAccountNumber } : {}),
    validate: validateAccountNumber,
  });
}

function detailsOf(answers: Answers): ShippingDetails {
  return {
    delivery: { carrierName: answers.carrier ?? '', trackingNumber: answers.trackingNumber ?? '', driveCount: answers.drives ?? 0, shipDate: answers.shipDate ?? '' },
    returnShipping: { carrierName: answers.returnCarrier ?? '', carrierAccountNumber: answers.returnAccount ?? '' },
  };
}

/** Asks the API to check everything without writing (it knows the other jobs' tracking numbers). */
async function checkWithApi(api: ShippingApi, job: ShippingJob, details: ShippingDetails): Promise<Array<{ field: ShippingField; message: string }>> {
  try {
    await api.record(job.job.id, details, { dryRun: true });
    return [];
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.code === 'TRACKING_NUMBER_TAKEN') return [{ field: 'trackingNumber', message: `tracking-number: ${error.message}` }];
    const problems = Array.isArray(error.details['problems']) ? (error.details['problems'] as Array<{ field?: unknown; message?: unknown }>) : [];
    const mapped = problems.flatMap((problem) => {
      const field = typeof problem.field === 'string' ? FIELD_OF_API_FIELD[problem.field] : undefined;
      return field ? [{ field, message: `${FLAG_OF[field].slice(2)}: ${String(problem.message)}` }] : [];
    });
    if (error.code === 'INVALID_SHIPPING_DETAILS' && mapped.length > 0) return mapped;
    throw error;
  }
}
