import { type ConsoleApi } from '../api/console-api';
import { type SeedshipApi } from '../api/seedship-api';

/** What every command gets: the APIs, the terminal, and the time (tests may fix it). */
export interface CommandContext {
  readonly api: SeedshipApi;
  /** The ops console's API; built on first use, so commands that do not need a token do not ask for one. */
  readonly console: () => ConsoleApi;
  readonly stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly now: () => Date;
}

/** Questions only when a person sits at the terminal; scripts pass flags (and --yes). */
export function isInteractive(context: CommandContext): boolean {
  return context.stdin.isTTY === true;
}
