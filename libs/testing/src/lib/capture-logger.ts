import { Writable } from 'node:stream';

import { type Logger, createLogger } from '@seedship/logging';

/** A real pino logger whose records the test can read. */
export function captureLogger(name: string): { logger: Logger; records: () => Array<Record<string, unknown>> } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter((line) => line.length > 0));
      done();
    },
  });
  return {
    logger: createLogger(name, { level: 'debug', destination }),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
