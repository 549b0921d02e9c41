import { type Command } from 'commander';

import { ShippingApi } from '../../api/shipping-api';
import { type CommandRunner } from '../command-runner';
import { shipStatus } from './ship-status';
import { shipUpdate, type ShipUpdateOptions } from './ship-update';

/** `seedship ship ...`: shipping of seeding jobs (shipping-tracker's API). */
export function registerShipCommands(program: Command, run: CommandRunner): void {
  const ship = program.command('ship').description('record and follow the packages of drives shipped to Azure');

  ship
    .command('update')
    .description('record (or correct) the delivery package and return shipping of a job: asks for each field, shows them for review, commits on "yes"')
    .option('--job <id-or-name>', 'the job (default: the one waiting for shipment, or choose from a list)')
    .option('--carrier <name>', 'carrier the package was given to (one the datacenter accepts)')
    .option('--tracking-number <number>', "the package's tracking number (checked by the carrier's format and check digit)")
    .option('--drives <count>', 'number of drives in the package (all of the job\'s drives)')
    .option('--ship-date <YYYY-MM-DD>', 'day the carrier took the package')
    .option('--return-carrier <name>', 'carrier Azure ships the drives back with')
    .option('--return-account <number>', 'your account number with the return carrier')
    .option('--yes', 'commit without asking (for scripts: every field must be a flag)')
    .option('--json', 'print the recorded result as JSON on stdout')
    .action((options: ShipUpdateOptions) => run((context) => shipUpdate(context, new ShippingApi(context.api), options)));

  ship
    .command('status')
    .description("show each job's package, carrier status and arrival deadline")
    .option('--job <id-or-name>', 'only this job')
    .option('--json', 'print JSON for scripts instead of a table')
    .action((options: { job?: string; json?: boolean }) => run((context) => shipStatus(context, new ShippingApi(context.api), options)));
}
