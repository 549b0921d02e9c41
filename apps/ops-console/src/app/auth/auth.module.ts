import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';

import { MasterKey } from '@seedship/secrets';

import { OPS_CONSOLE_CONFIG, type OpsConsoleConfig } from '../config/ops-console-env';
import { AuthGuard } from './auth.guard';
import { SessionCodec, TokenRegistry } from './credentials';
import { SessionController } from './session.controller';

@Module({
  controllers: [SessionController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    {
      provide: SessionCodec,
      inject: [OPS_CONSOLE_CONFIG],
      // Sessions are signed with a key derived from the master key: one secret to manage, two purposes kept apart.
      useFactory: (config: OpsConsoleConfig) =>
        new SessionCodec(MasterKey.fromHex(config.SECRETS_MASTER_KEY).derive('ops-console-session'), config.SESSION_TTL_SECONDS),
    },
    { provide: TokenRegistry, inject: [OPS_CONSOLE_CONFIG], useFactory: (config: OpsConsoleConfig) => new TokenRegistry(config.CONSOLE_TOKENS) },
  ],
  exports: [SessionCodec, TokenRegistry],
})
export class AuthModule {}
