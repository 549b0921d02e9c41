import { type CommandContext } from './command-context';

/** Runs a command's body with the context built from the global options; the body returns the exit code. */
export type CommandRunner = (body: (context: CommandContext) => Promise<number>) => Promise<void>;
