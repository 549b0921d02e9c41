import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { z } from 'zod';

import { JsonStore } from './json-store';

const schema = z.object({ name: z.string(), count: z.number().int() });

describe('JsonStore', () => {
  let directory: string;
  beforeEach(async () => {
    directory = await mkdtemp(path.join(os.tmpdir(), 'azure-sim-store-'));
  });
  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('keeps documents across instances, as a restarted simulator would', async () => {
    await new JsonStore(directory, schema).put('sub/rg/job one', { name: 'job one', count: 1 });
    const reopened = new JsonStore(directory, schema);
    expect(await reopened.get('sub/rg/job one')).toEqual({ name: 'job one', count: 1 });
    expect(await reopened.list()).toEqual([{ name: 'job one', count: 1 }]);
    expect(await reopened.get('missing')).toBeUndefined();
  });

  it('serialises concurrent updates of one key so none is lost', async () => {
    const store = new JsonStore(directory, schema);
    await store.put('k', { name: 'k', count: 0 });
    await Promise.all(
      Array.from({ length: 20 }, () => store.update('k', (current) => ({ name: 'k', count: (current?.count ?? 0) + 1 }))),
    );
    expect((await store.get('k'))?.count).toBe(20);
    expect((await readdir(directory)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to store a document that does not match its schema', async () => {
    const store = new JsonStore(directory, schema);
    await expect(store.put('bad', { name: 'x', count: 1.5 })).rejects.toThrow();
    expect(await store.get('bad')).toBeUndefined();
  });

  it('leaves the stored document alone when an update throws', async () => {
    const store = new JsonStore(directory, schema);
    await store.put('k', { name: 'k', count: 3 });
    await expect(
      store.update('k', () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect((await store.get('k'))?.count).toBe(3);
  });
});
