export { HealthModule, PUBLIC_ROUTE } from './lib/health.module';
