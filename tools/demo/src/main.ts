import { runDemo } from './lib/demo-run';
import { DemoUsageError, USAGE, parseDemoOptions } from './lib/options';

async function main(): Promise<number> {
  let options;
  try {
    options = parseDemoOptions(process.argv.slice(2));
  } catch (error) {
    if (error instanceof DemoUsageError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    console.error('The demo attaches loop devices as simulated drives, which needs root: run it as root (sudo npm run demo).');
    return 1;
  }
  const code = await runDemo(options);
  // With --keep the services stay up until Ctrl-C; otherwise nothing is left running.
  if (options.keep && code === 0) await new Promise<never>(() => undefined);
  return code;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
