import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths that may carry secrets anywhere in a log record. BitLocker keys and recovery passwords must never
 * reach a log, whatever object they travel in.
 */
export const REDACTED_PATHS: readonly string[] = [
  '*.recoveryPassword',
  '*.bitLockerKey',
  '*.bitlockerKey',
  '*.password',
  '*.clientSecret',
  '*.masterKey',
  '*.authorization',
  'req.headers.authorization',
  'recoveryPassword',
  'bitLockerKey',
  'password',
];

export function createLogger(
  service: string,
  options: { level?: string; destination?: pino.DestinationStream } = {},
): Logger {
  const config: LoggerOptions = {
    name: service,
    level: options.level ?? process.env['LOG_LEVEL'] ?? 'info',
    redact: { paths: [...REDACTED_PATHS], censor: '[redacted]' },
    base: { service },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
