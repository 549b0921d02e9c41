import { type Logger } from '@seedship/logging';

import { type CrashPoint } from '../config/import-orchestrator-env';

/**
 * Test-only fault injection (ORCHESTRATOR_CRASH_AT): the process exits at once when it reaches a listed
 * point, as a SIGKILL or an OOM kill would stop it, so tests can prove a restart picks up from Postgres.
 */
export class CrashSwitch {
  constructor(
    private readonly points: readonly CrashPoint[],
    private readonly logger: Logger,
  ) {}

  reached(point: CrashPoint): void {
    if (!this.points.includes(point)) return;
    this.logger.warn({ crashPoint: point }, 'ORCHESTRATOR_CRASH_AT: exiting here on purpose');
    process.exit(86);
  }
}
