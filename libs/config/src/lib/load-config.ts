import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface VariableDoc {
  readonly description: string;
  /** Never echoed back in errors or logs. */
  readonly sensitive?: boolean;
}

/** An environment schema: one zod field per variable, each with its description. */
export interface EnvSpec<TShape extends z.ZodRawShape> {
  readonly shape: TShape;
  readonly docs: { readonly [K in keyof TShape]: VariableDoc };
}

export function defineEnv<TShape extends z.ZodRawShape>(
  shape: TShape,
  docs: { readonly [K in keyof TShape]: VariableDoc },
): EnvSpec<TShape> {
  return { shape, docs };
}

/**
 * Validates the environment once at boot. Fails naming every bad variable, what was wrong and what
 * it is for, without printing the values of sensitive ones.
 */
export function loadConfig<TShape extends z.ZodRawShape>(
  spec: EnvSpec<TShape>,
  env: NodeJS.ProcessEnv = process.env,
): z.output<z.ZodObject<TShape>> {
  const result = z.object(spec.shape).safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const variable = String(issue.path[0] ?? '(environment)');
    const doc = (spec.docs as Record<string, VariableDoc | undefined>)[variable];
    const raw = env[variable];
    const shown = raw === undefined ? 'is not set' : doc?.sensitive ? 'has an invalid value' : `is '${raw}'`;
    const purpose = doc ? ` (${doc.description})` : '';
    return `${variable} ${shown}: ${issue.message}${purpose}`;
  });
  throw new ConfigError(problems);
}

/** Markdown table of a service's variables, so docs are generated from the schema rather than kept by hand. */
export function describeEnv<TShape extends z.ZodRawShape>(spec: EnvSpec<TShape>): string {
  const rows = Object.entries(spec.docs as Record<string, VariableDoc>).map(([name, doc]) => {
    const field = spec.shape[name];
    const optional = field ? z.safeParse(field, undefined).success : false;
    return `| \`${name}\` | ${optional ? 'no' : 'yes'} | ${doc.sensitive ? 'yes' : 'no'} | ${doc.description} |`;
  });
  return ['| variable | required | secret | purpose |', '| --- | --- | --- | --- |', ...rows].join('\n');
}
