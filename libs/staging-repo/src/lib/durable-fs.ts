import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** fsync a directory, so a rename or create inside it survives a crash. */
export async function fsyncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes `buffers` to `path` so that after a crash the file is either absent or complete: written to
 * a temporary file in `tmpDir`, fsynced, renamed into place, and the directory fsynced.
 */
export async function writeFileDurably(path: string, buffers: readonly Buffer[], tmpDir: string): Promise<void> {
  const tmp = join(tmpDir, `${randomBytes(8).toString('hex')}.partial`);
  const handle = await open(tmp, 'wx');
  try {
    await writeAll(handle, buffers);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(tmp, { force: true });
    throw error;
  }
  await handle.close();
  await mkdir(dirname(path), { recursive: true });
  await rename(tmp, path);
  await fsyncDir(dirname(path));
}

type WritableHandle = Awaited<ReturnType<typeof open>>;

/** writev until every byte is written (writev may write less than asked). */
export async function writeAll(handle: WritableHandle, buffers: readonly Buffer[]): Promise<void> {
  let pending = buffers.filter((buffer) => buffer.length > 0);
  while (pending.length > 0) {
    const batch = pending.slice(0, 512);
    let { bytesWritten } = await handle.writev(batch);
    const rest: Buffer[] = [];
    for (const buffer of batch) {
      if (bytesWritten >= buffer.length) {
        bytesWritten -= buffer.length;
      } else {
        rest.push(buffer.subarray(bytesWritten));
        bytesWritten = 0;
      }
    }
    pending = [...rest, ...pending.slice(batch.length)];
  }
}
