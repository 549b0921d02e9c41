/**
 * A trimmed, hand-written statement of what a REST API specification says about a response shape:
 * property names, types, required lists and enums. Written from the azure-rest-api-specs definitions
 * (not copied), so a test can check every raw response the simulator sends against them.
 */
export type SchemaFact =
  | { readonly type: 'string'; readonly enum?: readonly string[] }
  | { readonly type: 'integer' | 'boolean' | 'any' }
  | { readonly type: 'date-time' }
  | { readonly type: 'array'; readonly items: SchemaFact }
  | { readonly type: 'map'; readonly values: SchemaFact }
  | { readonly type: 'ref'; readonly name: string }
  | {
      readonly type: 'object';
      readonly properties: Readonly<Record<string, SchemaFact>>;
      readonly required?: readonly string[];
      /** Polymorphic: the discriminator property and, per value, the definition that applies. */
      readonly discriminator?: { readonly property: string; readonly mapping: Readonly<Record<string, string>> };
    };

export type SpecFacts = Readonly<Record<string, SchemaFact>>;

export const str: SchemaFact = { type: 'string' };
export const int: SchemaFact = { type: 'integer' };
export const bool: SchemaFact = { type: 'boolean' };
export const dateTime: SchemaFact = { type: 'date-time' };
export const anyValue: SchemaFact = { type: 'any' };
export const ref = (name: string): SchemaFact => ({ type: 'ref', name });
export const arrayOf = (items: SchemaFact): SchemaFact => ({ type: 'array', items });
export const mapOf = (values: SchemaFact): SchemaFact => ({ type: 'map', values });
export const oneOf = (...values: string[]): SchemaFact => ({ type: 'string', enum: values });
export const object = (properties: Record<string, SchemaFact>, required: string[] = []): SchemaFact => ({ type: 'object', properties, required });

/**
 * Lists every way `value` departs from the definition `name`: unknown properties, missing required
 * ones, wrong types, values outside an enum. An empty list means the shape conforms.
 */
export function shapeProblems(value: unknown, name: string, facts: SpecFacts): string[] {
  const problems: string[] = [];
  const definition = facts[name];
  if (!definition) return [`no definition named ${name}`];
  check(value, definition, name, facts, problems);
  return problems;
}

function check(value: unknown, fact: SchemaFact, where: string, facts: SpecFacts, problems: string[]): void {
  switch (fact.type) {
    case 'any':
      return;
    case 'ref': {
      const target = facts[fact.name];
      if (!target) problems.push(`${where}: no definition named ${fact.name}`);
      else check(value, target, where, facts, problems);
      return;
    }
    case 'string':
      if (typeof value !== 'string') problems.push(`${where}: expected a string, got ${describe(value)}`);
      else if (fact.enum && !fact.enum.includes(value)) problems.push(`${where}: '${value}' is not one of ${fact.enum.join(', ')}`);
      return;
    case 'date-time':
      if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) problems.push(`${where}: expected an ISO 8601 date-time, got ${describe(value)}`);
      return;
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) problems.push(`${where}: expected an integer, got ${describe(value)}`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${where}: expected a boolean, got ${describe(value)}`);
      return;
    case 'array':
      if (!Array.isArray(value)) problems.push(`${where}: expected an array, got ${describe(value)}`);
      else value.forEach((item, index) => check(item, fact.items, `${where}[${index}]`, facts, problems));
      return;
    case 'map':
      if (!isRecord(value)) problems.push(`${where}: expected an object map, got ${describe(value)}`);
      else for (const [key, item] of Object.entries(value)) check(item, fact.values, `${where}.${key}`, facts, problems);
      return;
    case 'object': {
      if (!isRecord(value)) {
        problems.push(`${where}: expected an object, got ${describe(value)}`);
        return;
      }
      let properties = fact.properties;
      let required = fact.required ?? [];
      if (fact.discriminator) {
        const kind = value[fact.discriminator.property];
        const subName = typeof kind === 'string' ? fact.discriminator.mapping[kind] : undefined;
        const sub = subName ? facts[subName] : undefined;
        if (!sub || sub.type !== 'object') {
          problems.push(`${where}.${fact.discriminator.property}: '${String(kind)}' is not a known kind`);
        } else {
          properties = { ...properties, ...sub.properties };
          required = [...required, ...(sub.required ?? [])];
        }
      }
      for (const key of required) if (value[key] === undefined) problems.push(`${where}.${key}: required by the spec but missing`);
      for (const [key, item] of Object.entries(value)) {
        const propertyFact = properties[key];
        if (!propertyFact) problems.push(`${where}.${key}: not a property of this definition in the spec`);
        else if (item !== null && item !== undefined) check(item, propertyFact, `${where}.${key}`, facts, problems);
      }
      return;
    }
    default:
      assertUnreachable(fact);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
}

function assertUnreachable(value: never): never {
  throw new Error(`unhandled schema fact ${JSON.stringify(value)}`);
}
