import { type z } from 'zod';

import { ArmErrorCode, ArmException } from './arm.exception';

/**
 * Parses a request body with its schema. On failure the ARM error names every bad field (as a JSON
 * path in `target`) and what was wrong with it, and nothing is changed.
 */
export function parseBody<TSchema extends z.ZodType>(schema: TSchema, body: unknown, what: string): z.output<TSchema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => {
    const target = issue.path.length === 0 ? '(body)' : issue.path.map(String).join('.');
    return { code: ArmErrorCode.InvalidRequestContent, message: `${target}: ${issue.message}`, target };
  });
  const summary = details.map((detail) => detail.message).join('; ');
  throw new ArmException(
    ArmErrorCode.InvalidRequestContent,
    `The ${what} is invalid: ${summary}`,
    details[0]?.target,
    details,
  );
}
