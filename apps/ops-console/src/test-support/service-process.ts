import { type NodeServiceProcess, startNodeService } from '@seedship/testing';

export type ServiceProcess = NodeServiceProcess;

/** Runs the real ops-console service as a child process with the given environment, once it listens. */
export function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  return startNodeService({ entry: 'apps/ops-console/src/main.ts', listeningMessage: 'ops-console listening', env });
}
