export { runNestService, type NestServiceOptions } from './lib/run-nest-service';
