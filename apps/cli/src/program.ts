import { userInfo } from 'node:os';

import { Command, CommanderError } from 'commander';

import { ConsoleApi, resolveConsoleUrl, resolveToken } from './api/console-api';
import { CliError, SeedshipApi, resolveApiUrl } from './api/seedship-api';
import { type CommandContext } from './commands/command-context';
import { type CommandRunner } from './commands/command-runner';
import { registerFleetCommands } from './commands/fleet/fleet.command';
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
 * (ship over shipping-tracker's API; status, jobs, drives and nodes over the ops console's) and share
 * the global options, the API clients and the error handling here.
 */
export async function runCli(argv: readonly string[], environment: CliEnvironment): Promise<number> {
  let exitCode = 0;
  const program = new Command('seedship')
    .description('Seedship operator command line: seed Azure backups by shipping drives')
    .option('--api <url>', 'Seedship API URL (default: SEEDSHIP_API_URL, else http://127.0.0.1:3100)')
    .option('--user <name>', 'who you are, for the job timeline (default: SEEDSHIP_USER, else your login)')
    .option('--console-url <url>', 'ops console URL (default: SEEDSHIP_CONSOLE_URL, else http://127.0.0.1:3200)')
    .option('--token <token>', 'ops console bearer token (default: SEEDSHIP_TOKEN; prefer the variable, flags show in the process list)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => environment.stdout.write(text), writeErr: (text) => environment.stderr.write(text) })
    .showHelpAfterError();

  const run: CommandRunner = async (body) => {
    const globals = program.opts<{ api?: string; user?: string; consoleUrl?: string; token?: string }>();
    let consoleApi: ConsoleApi | undefined;
    const context: CommandContext = {
      api: new SeedshipApi(resolveApiUrl(globals.api, environment.env), globals.user ?? defaultUser(environment.env)),
      console: () => (consoleApi ??= new ConsoleApi(resolveConsoleUrl(globals.consoleUrl, environment.env), resolveToken(globals.token, environment.env))),
      stdin: environment.stdin,
      stdout: environment.stdout,
      stderr: environment.stderr,
      now: environment.now ?? (() => new Date()),
    };
    exitCode = await body(context);
  };
  registerShipCommands(program, run);
  registerFleetCommands(program, run);

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
