import { Controller, Get, Header, Inject } from '@nestjs/common';

import { DISK_PREP_CONFIG, type DiskPrepAgentConfig } from '../config/disk-prep-agent-env';
import { AgentMetrics } from './agent-metrics';

@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: AgentMetrics,
    @Inject(DISK_PREP_CONFIG) private readonly config: DiskPrepAgentConfig,
  ) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  render(): string {
    return this.metrics.render(this.config.NODE_NAME);
  }
}
