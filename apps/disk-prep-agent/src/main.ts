import 'reflect-metadata';

import { runNestService } from '@seedship/nest-service';

import { AppModule } from './app/app.module';
import { parseDiskPrepAgentConfig } from './app/config/disk-prep-agent-env';

runNestService({
  name: 'disk-prep-agent',
  parseConfig: () => parseDiskPrepAgentConfig(),
  module: (config, logger) => AppModule.forRoot(config, logger.child({ node: config.NODE_NAME })),
  describe: (config) => ({ node: config.NODE_NAME }),
});
