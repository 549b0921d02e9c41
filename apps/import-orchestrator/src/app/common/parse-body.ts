import { type z } from 'zod';

import { ImportOrchestratorErrorCode, ImportOrchestratorException } from './import-orchestrator.exception';

/** Validates a request body, failing with every problem named by its field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(body)'}: ${issue.message}`);
  throw new ImportOrchestratorException(ImportOrchestratorErrorCode.VALIDATION, `The request is not valid: ${problems.join('; ')}.`, { problems });
}

/** `user:<name>` from the X-Seedship-User header (set by the gateway), else `user:anonymous`. */
export function actorFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[^\s]+$/.test(value) ? `user:${value}` : 'user:anonymous';
}
