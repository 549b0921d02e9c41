import { type CommandContext } from '../command-context';

/** The console's answer as it came, for scripts. */
export function printJson(context: CommandContext, value: unknown): number {
  context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  return 0;
}
