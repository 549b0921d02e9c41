import { isAbsolute, resolve } from 'node:path';

export type DemoProvider = 'IMPORT_EXPORT' | 'DATABOX_CUSTOMER_DISK';

export interface DemoOptions {
  /** A directory to seed instead of the generated sample; it is copied first and never changed. */
  readonly source: string | undefined;
  /** Size of the generated sample data set. */
  readonly sizeMiB: number;
  /** Leave processes, drives, images and the database in place when done. */
  readonly keep: boolean;
  readonly provider: DemoProvider;
  readonly help: boolean;
}

export const DEFAULT_SIZE_MIB = 60;

export const USAGE = `Usage: npm run demo -- [options]

Runs the whole Seedship seeding workflow on this machine: local Postgres, NATS, Azurite, azure-sim and every
Seedship service, simulated drives (loop devices), a sample data set, import, shipping, delivery,
verification, an online incremental and a byte-for-byte restore. See docs/demo.md.

Options:
  --source PATH        seed a copy of this directory instead of a generated sample
  --size-mib N         size of the generated sample in MiB (default ${DEFAULT_SIZE_MIB}; at least 40, so it spans two drives)
  --provider P         IMPORT_EXPORT or DATABOX_CUSTOMER_DISK (default DATABOX_CUSTOMER_DISK)
  --keep               leave everything running and in place (processes, drives, images, database)
  --help               this text`;

export class DemoUsageError extends Error {}

/** Parses the demo's command line; a bad option is refused with what to write instead. */
export function parseDemoOptions(argv: readonly string[], cwd = process.cwd()): DemoOptions {
  let source: string | undefined;
  let sizeMiB = DEFAULT_SIZE_MIB;
  let keep = false;
  let help = false;
  let provider: DemoProvider = 'DATABOX_CUSTOMER_DISK';
  const args = [...argv];
  const valueOf = (flag: string, inline: string | undefined): string => {
    const value = inline ?? args.shift();
    if (value === undefined || value.startsWith('--')) throw new DemoUsageError(`${flag} needs a value.\n\n${USAGE}`);
    return value;
  };
  while (args.length > 0) {
    const arg = args.shift() ?? '';
    const [flag = '', inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    switch (flag) {
      case '--source': {
        const value = valueOf(flag, inline);
        source = isAbsolute(value) ? value : resolve(cwd, value);
        break;
      }
      case '--size-mib': {
        const value = valueOf(flag, inline);
        if (!/^[1-9][0-9]*$/.test(value) || Number(value) < 40 || Number(value) > 1_000_000) {
          throw new DemoUsageError(`--size-mib must be a whole number of MiB from 40 (two drives' worth) up, not "${value}".`);
        }
        sizeMiB = Number(value);
        break;
      }
      case '--provider': {
        const value = valueOf(flag, inline).toUpperCase();
        if (value !== 'IMPORT_EXPORT' && value !== 'DATABOX_CUSTOMER_DISK') {
          throw new DemoUsageError(`--provider must be IMPORT_EXPORT or DATABOX_CUSTOMER_DISK, not "${value}".`);
        }
        provider = value;
        break;
      }
      case '--keep':
        keep = true;
        break;
      case '--help':
      case '-h':
        help = true;
        break;
      default:
        throw new DemoUsageError(`Unknown option "${arg}".\n\n${USAGE}`);
    }
  }
  return { source, sizeMiB, keep, provider, help };
}
