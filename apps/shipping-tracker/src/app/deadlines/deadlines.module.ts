import { Module } from '@nestjs/common';

import { DeadlineMonitor } from './deadline-monitor';

@Module({
  providers: [DeadlineMonitor],
  exports: [DeadlineMonitor],
})
export class DeadlinesModule {}
