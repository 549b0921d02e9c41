import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { type z } from 'zod';

/**
 * A collection of JSON documents on disk, one file per key, written atomically (temp file + rename)
 * so a crash never leaves half a document. Reads go to disk, so a restarted simulator sees everything
 * it had accepted. Read-modify-write goes through `update`, serialised per key within the process.
 */
export class JsonStore<TSchema extends z.ZodType> {
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(
    private readonly directory: string,
    private readonly schema: TSchema,
  ) {}

  async get(key: string): Promise<z.output<TSchema> | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileOf(key), 'utf8');
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
    return this.schema.parse(JSON.parse(text));
  }

  async list(): Promise<z.output<TSchema>[]> {
    let names: string[];
    try {
      names = await readdir(this.directory);
    } catch (error) {
      if (isMissing(error)) return [];
      throw error;
    }
    const keys = names.filter((name) => name.endsWith('.json')).map((name) => decodeURIComponent(name.slice(0, -5)));
    const documents: z.output<TSchema>[] = [];
    for (const key of keys.sort()) {
      const document = await this.get(key);
      if (document !== undefined) documents.push(document);
    }
    return documents;
  }

  async put(key: string, document: z.output<TSchema>): Promise<void> {
    const validated = this.schema.parse(document);
    await mkdir(this.directory, { recursive: true });
    const file = this.fileOf(key);
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, `${JSON.stringify(validated, null, 2)}\n`);
    await rename(temporary, file);
  }

  async delete(key: string): Promise<void> {
    await rm(this.fileOf(key), { force: true });
  }

  /**
   * Runs `change` on the current document (or undefined) with no other update of the same key in
   * between, stores what it returns (undefined deletes nothing and stores nothing) and returns it.
   */
  async update<TResult extends z.output<TSchema> | undefined>(
    key: string,
    change: (current: z.output<TSchema> | undefined) => TResult | Promise<TResult>,
  ): Promise<TResult> {
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.then(async () => {
      const next = await change(await this.get(key));
      if (next !== undefined) await this.put(key, next);
      return next;
    });
    const settled = run.catch(() => undefined);
    this.locks.set(key, settled);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === settled) this.locks.delete(key);
    }
  }

  private fileOf(key: string): string {
    return path.join(this.directory, `${encodeURIComponent(key)}.json`);
  }
}

function isMissing(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
