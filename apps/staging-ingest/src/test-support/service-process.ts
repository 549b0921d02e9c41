import { type NodeServiceProcess, startNodeService } from '@seedship/testing';

export type ServiceProcess = NodeServiceProcess;

/** Runs the real staging-ingest service as a child process with the given environment, once it listens. */
export function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  return startNodeService({ entry: 'apps/staging-ingest/src/main.ts', listeningMessage: 'staging-ingest listening', env });
}
