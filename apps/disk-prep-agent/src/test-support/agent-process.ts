import { type NodeServiceProcess, startNodeService } from '@seedship/testing';

/** The real disk-prep agent (src/main.ts) as a child process, so a test can run two and kill one. */
export function startAgentProcess(env: Record<string, string>): Promise<NodeServiceProcess> {
  return startNodeService({ entry: 'apps/disk-prep-agent/src/main.ts', listeningMessage: 'disk-prep-agent listening', env });
}
