import { type z } from 'zod';

/**
 * Subjects are `<context>.<entity>.<event-or-command>.v<N>`: lowercase, dot-separated tokens of
 * letters, digits and dashes, never `$`-prefixed, with the version as the last token.
 */
export const SUBJECT_PATTERN = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;

/** A message's subject and payload schema, owned in one place so producers and consumers agree. */
export interface MessageContract<TSubject extends string = string, TSchema extends z.ZodType = z.ZodType> {
  readonly subject: TSubject;
  readonly schema: TSchema;
  /** What the message announces, for the catalog and docs. */
  readonly description: string;
}

export type PayloadOf<C extends MessageContract> = z.output<C['schema']>;

export function defineMessage<TSubject extends string, TSchema extends z.ZodType>(
  subject: TSubject,
  schema: TSchema,
  description: string,
): MessageContract<TSubject, TSchema> {
  if (!SUBJECT_PATTERN.test(subject)) {
    throw new Error(`Subject '${subject}' does not follow <context>.<entity>.<event>.v<N> (lowercase tokens).`);
  }
  return { subject, schema, description };
}

export class PayloadValidationError extends Error {
  constructor(
    readonly subject: string,
    readonly issues: readonly string[],
  ) {
    super(`Invalid payload for ${subject}: ${issues.join('; ')}`);
    this.name = 'PayloadValidationError';
  }
}

/** Validates a payload against its contract; the error names every offending field. */
export function parsePayload<C extends MessageContract>(contract: C, payload: unknown): PayloadOf<C> {
  const result = contract.schema.safeParse(payload);
  if (result.success) return result.data as PayloadOf<C>;
  const issues = result.error.issues.map((issue) => {
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(payload)';
    return `${field}: ${issue.message}`;
  });
  throw new PayloadValidationError(contract.subject, issues);
}
