import { type z } from 'zod';

import { OpsConsoleErrorCode, OpsConsoleException } from './ops-console.exception';

/** Validates a body or query, failing with every problem named by its field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: 'body' | 'query' = 'body'): z.output<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : `(${what})`}: ${issue.message}`,
  );
  throw new OpsConsoleException(OpsConsoleErrorCode.VALIDATION, `The request ${what} is not valid: ${problems.join('; ')}.`, { problems });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are UUIDs; anything else is a typo, not a missing row. */
export function parseId(value: string, what: string): string {
  if (!UUID.test(value)) {
    throw new OpsConsoleException(OpsConsoleErrorCode.VALIDATION, `'${value}' is not a ${what} id; ids are UUIDs as the list endpoints return them.`);
  }
  return value.toLowerCase();
}
