import { userInfo } from 'node:os';

import { Command, CommanderError } from 'commander';

import { CliError, SeedshipApi, resolveApiUrl } from './api/seedship-api';
import { type CommandContext } from './commands/command-context';
import { type CommandRunner } from './commands/command-runner';
import { registerShipCommands } from './commands/ship/ship.command';

export interface CliEnvironment {
  readonly stdin: CommandContext['stdin'];
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly env: NodeJS.ProcessEnv;
  readonly now?: () => Date;
}

function defaultUser(env: NodeJS.ProcessEnv): string {
  if (env['SEEDSHIP_USER']) return env['SEEDSHIP_USER'];
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

/**
 * `seedship`: one program, one group of subcommands per part of the fleet. Groups register themselves
 * (ship now; jobs, drives, nodes and status from the ops console's API later) and share the global
 * options, the API client and the error handling here.
 */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  let exitCode = 0;
  const program = new Command('seedship')
    .description('Seedship operator command line: seed Azure backups by shipping drives')
    .option('--api <url>', 'Seedship API URL (default: SEEDSHIP_API_URL, else http://127.0.0.1:3100)')
    .option('--user <name>', 'who you are, for the job timeline (default: SEEDSHIP_USER, else your login)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => environment.stdout.write(text), writeErr: (text) => environment.stderr.write(text) })
    .showHelpAfterError();

  const run: CommandRunner = async (body) => {
    const globals = program.opts<{ api?: string; user?: string }>();
    const context: CommandContext = {
      api: new SeedshipApi(resolveApiUrl(globals.api, environment.env), globals.user ?? defaultUser(environment.env)),
      stdin: environment.stdin,
      stdout: environment.stdout,
      stderr: environment.stderr,
      now: environment.now ?? (() => new Date()),
    };
    exitCode = await body(context);
  };
  registerShipCommands(program, run);

  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof CliError) {
      environment.stderr.write(`seedship: ${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}
