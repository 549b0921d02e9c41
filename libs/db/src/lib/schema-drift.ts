import { readFile } from 'node:fs/promises';
import path from 'node:path';

import { Client } from 'pg';

/** prisma/schema.prisma at the workspace root. */
export const DEFAULT_SCHEMA_PATH = path.resolve(__dirname, '../../../../prisma/schema.prisma');

/**
 * The shape both sides are reduced to before comparing: one line per fact, so a difference reads as
 * "missing in the database" or "not in schema.prisma" for that exact fact.
 */
export interface SchemaFacts {
  enums: Set<string>;
  columns: Set<string>;
  indexes: Set<string>;
  foreignKeys: Set<string>;
}

export interface SchemaDrift {
  /** Facts schema.prisma declares that the migrated database does not have. */
  missingInDatabase: string[];
  /** Facts the migrated database has that schema.prisma does not declare. */
  notInSchema: string[];
}

interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  type: string;
  isRequired: boolean;
  isList: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
}

interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

interface DmmfIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: Array<{ name: string }>;
}

interface DmmfDatamodel {
  enums: Array<{ name: string; dbName?: string | null; values: Array<{ name: string; dbName: string | null }> }>;
  models: DmmfModel[];
  indexes: DmmfIndex[];
}

/** Compares schema.prisma with the database's catalog: tables, columns, types, nullability, defaults, indexes, keys. */
export async function detectSchemaDrift(options: { connectionString: string; schemaPath?: string }): Promise<SchemaDrift> {
  const expected = await factsFromPrismaSchema(options.schemaPath ?? DEFAULT_SCHEMA_PATH);
  const actual = await factsFromDatabase(options.connectionString);
  const missingInDatabase: string[] = [];
  const notInSchema: string[] = [];
  for (const key of ['enums', 'columns', 'indexes', 'foreignKeys'] as const) {
    for (const fact of expected[key]) if (!actual[key].has(fact)) missingInDatabase.push(fact);
    for (const fact of actual[key]) if (!expected[key].has(fact)) notInSchema.push(fact);
  }
  return { missingInDatabase: missingInDatabase.sort(), notInSchema: notInSchema.sort() };
}

/** A readable report of a drift, or undefined when there is none. */
export function describeDrift(drift: SchemaDrift): string | undefined {
  if (drift.missingInDatabase.length === 0 && drift.notInSchema.length === 0) return undefined;
  const lines = [
    ...drift.missingInDatabase.map((fact) => `  schema.prisma has, database lacks: ${fact}`),
    ...drift.notInSchema.map((fact) => `  database has, schema.prisma lacks: ${fact}`),
  ];
  return `schema.prisma and the migrated database disagree:\n${lines.join('\n')}`;
}

export async function factsFromPrismaSchema(schemaPath: string): Promise<SchemaFacts> {
  const schema = await readFile(schemaPath, 'utf8');
  // Loaded lazily: a dev-time tool; services that only migrate or query never load the wasm.
  const wasm = (await import('@prisma/prisma-schema-wasm')) as { get_dmmf(params: string): string };
  const dmmf = JSON.parse(wasm.get_dmmf(JSON.stringify({ prismaSchema: [[path.basename(schemaPath), schema]] }))) as {
    datamodel: DmmfDatamodel;
  };
  const { datamodel } = dmmf;
  const enumDbName = new Map(datamodel.enums.map((e) => [e.name, e.dbName ?? e.name]));
  const modelByName = new Map(datamodel.models.map((m) => [m.name, m]));
  const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
  const columnOf = (model: DmmfModel, fieldName: string) => {
    const field = model.fields.find((f) => f.name === fieldName);
    return field?.dbName ?? fieldName;
  };

  const facts: SchemaFacts = { enums: new Set(), columns: new Set(), indexes: new Set(), foreignKeys: new Set() };
  for (const e of datamodel.enums) {
    facts.enums.add(`enum ${e.dbName ?? e.name} (${e.values.map((v) => v.dbName ?? v.name).join(', ')})`);
  }
  for (const model of datamodel.models) {
    for (const field of model.fields) {
      if (field.kind === 'object') {
        if (field.relationFromFields && field.relationFromFields.length > 0) {
          const target = modelByName.get(field.type);
          if (!target) continue;
          const from = field.relationFromFields.map((f) => columnOf(model, f)).join(', ');
          const to = (field.relationToFields ?? []).map((f) => columnOf(target, f)).join(', ');
          const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
          facts.foreignKeys.add(`foreign key ${tableOf(model)}(${from}) -> ${tableOf(target)}(${to}) on delete ${onDelete}`);
        }
        continue;
      }
      const type = field.kind === 'enum' ? (enumDbName.get(field.type) ?? field.type) : postgresType(field);
      const nullability = field.isRequired ? 'not null' : 'null';
      const dbDefault = hasDatabaseDefault(field) ? ' default' : '';
      facts.columns.add(`column ${tableOf(model)}.${field.dbName ?? field.name} ${type}${field.isList ? '[]' : ''} ${nullability}${dbDefault}`);
    }
  }
  for (const index of datamodel.indexes) {
    const model = modelByName.get(index.model);
    if (!model) continue;
    const columns = index.fields.map((f) => columnOf(model, f.name)).join(', ');
    const kind = index.type === 'id' ? 'primary key' : index.type === 'unique' ? 'unique index' : 'index';
    facts.indexes.add(`${kind} ${tableOf(model)}(${columns})`);
  }
  return facts;
}

/** Prisma's default defaults (uuid(), cuid(), @updatedAt) live in the client, not in the database. */
function hasDatabaseDefault(field: DmmfField): boolean {
  if (!field.hasDefaultValue) return false;
  const value = field.default;
  if (value !== null && typeof value === 'object' && 'name' in value) {
    return ['autoincrement', 'now', 'dbgenerated', 'sequence'].includes(String(value.name));
  }
  return true;
}

/** The type as Postgres' format_type() prints it. */
function postgresType(field: DmmfField): string {
  const [native, args = []] = field.nativeType ?? [undefined, []];
  const withArgs = (name: string) => (args.length > 0 ? `${name}(${args.join(',')})` : name);
  switch (native) {
    case 'VarChar':
      return withArgs('character varying');
    case 'Char':
      return withArgs('character');
    case 'Uuid':
      return 'uuid';
    case 'Text':
      return 'text';
    case 'Timestamptz':
      return `timestamp(${args[0] ?? '6'}) with time zone`;
    case 'Timestamp':
      return `timestamp(${args[0] ?? '6'}) without time zone`;
    case 'Date':
      return 'date';
    case 'SmallInt':
      return 'smallint';
    case 'Real':
      return 'real';
    case 'Decimal':
      return withArgs('numeric');
    case undefined:
      break;
    default:
      return native.toLowerCase();
  }
  const defaults: Record<string, string> = {
    String: 'text',
    Int: 'integer',
    BigInt: 'bigint',
    Boolean: 'boolean',
    Float: 'double precision',
    Decimal: 'numeric(65,30)',
    DateTime: 'timestamp(3) without time zone',
    Json: 'jsonb',
    Bytes: 'bytea',
  };
  return defaults[field.type] ?? field.type;
}

const ON_DELETE: Record<string, string> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

export async function factsFromDatabase(connectionString: string): Promise<SchemaFacts> {
  const client = new Client({ connectionString });
  await client.connect();
  try {
    const facts: SchemaFacts = { enums: new Set(), columns: new Set(), indexes: new Set(), foreignKeys: new Set() };
    const enums = await client.query<{ name: string; labels: string[] }>(`
      SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS labels
      FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE n.nspname = current_schema()
      GROUP BY t.typname`);
    for (const row of enums.rows) facts.enums.add(`enum ${row.name} (${row.labels.join(', ')})`);

    const columns = await client.query<{ table: string; column: string; type: string; notnull: boolean; hasdefault: boolean }>(`
      SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
             a.attnotnull AS notnull, a.atthasdef AS hasdefault
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = current_schema() AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped
        AND c.relname <> '_prisma_migrations'`);
    for (const row of columns.rows) {
      const type = row.type.replace(/^"(.*)"$/, '$1');
      facts.columns.add(
        `column ${row.table}.${row.column} ${type} ${row.notnull ? 'not null' : 'null'}${row.hasdefault ? ' default' : ''}`,
      );
    }

    const indexes = await client.query<{ table: string; columns: string[]; unique: boolean; primary: boolean }>(`
      SELECT t.relname AS table, i.indisunique AS unique, i.indisprimary AS primary,
             array_agg(a.attname::text ORDER BY k.ord) AS columns
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE n.nspname = current_schema() AND t.relname <> '_prisma_migrations'
      GROUP BY i.indexrelid, t.relname, i.indisunique, i.indisprimary`);
    for (const row of indexes.rows) {
      const kind = row.primary ? 'primary key' : row.unique ? 'unique index' : 'index';
      facts.indexes.add(`${kind} ${row.table}(${row.columns.join(', ')})`);
    }

    const keys = await client.query<{ table: string; columns: string[]; target: string; targetColumns: string[]; ondelete: string }>(`
      SELECT c.conrelid::regclass::text AS table, c.confrelid::regclass::text AS target, c.confdeltype AS ondelete,
             ARRAY(SELECT attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute ON attrelid = c.conrelid AND attnum = k.n ORDER BY k.o) AS columns,
             ARRAY(SELECT attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o)
                   JOIN pg_attribute ON attrelid = c.confrelid AND attnum = k.n ORDER BY k.o) AS "targetColumns"
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema()`);
    for (const row of keys.rows) {
      const unquote = (name: string) => name.replace(/^"(.*)"$/, '$1');
      facts.foreignKeys.add(
        `foreign key ${unquote(row.table)}(${row.columns.join(', ')}) -> ${unquote(row.target)}(${row.targetColumns.join(', ')}) on delete ${ON_DELETE[row.ondelete] ?? row.ondelete}`,
      );
    }
    return facts;
  } finally {
    await client.end();
  }
}
