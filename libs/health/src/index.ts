export { HealthModule } from './lib/health.module';
