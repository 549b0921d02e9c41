export { JsonErrorFilter, type RefusedRequest } from './lib/json-error-filter';
export { runNestService, type NestServiceOptions } from './lib/run-nest-service';
