export { REDACTED_PATHS, createLogger, type Logger } from './lib/create-logger';
