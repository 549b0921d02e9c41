import { runCli } from './program';

runCli(process.argv.slice(2), { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error('seedship failed unexpectedly:', error);
    process.exitCode = 1;
  },
);
