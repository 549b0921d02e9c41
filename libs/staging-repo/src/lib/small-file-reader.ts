import { Worker } from 'node:worker_threads';

/** What a whole read compares to see whether the file changed while it was read. */
export interface FileVersion {
  readonly size: bigint;
  readonly mtimeNs: bigint;
  readonly ctimeNs: bigint;
  readonly ino: bigint;
  readonly mode: bigint;
}

/** One whole read of a file: the content between two stats of the open file, or what failed. */
export type WholeRead =
  | { readonly ok: true; readonly before: FileVersion; readonly content: Buffer; readonly after: FileVersion }
  | { readonly ok: false; readonly phase: 'open' | 'read'; readonly error: unknown };

type WireRead =
  | { ok: true; before: FileVersion; content: Uint8Array; after: FileVersion }
  | { ok: false; phase: 'open' | 'read'; code: string; message: string };

// Plain JS so it runs the same under node, jest and the SWC require hook. Synchronous calls: on this
// thread each is one system call, where the promise API makes each a round trip through the libuv
// pool (five per file), which for small files costs more than reading them.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const fs = require('node:fs');
const version = (s) => ({ size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs, ino: s.ino, mode: s.mode });
function readOne(path) {
  let fd;
  try {
    fd = fs.openSync(path, 'r');
  } catch (error) {
    return { ok: false, phase: 'open', code: error.code || 'UNKNOWN', message: error.message };
  }
  try {
    const before = fs.fstatSync(fd, { bigint: true });
    const content = new Uint8Array(Number(before.size));
    let position = 0;
    while (position < content.length) {
      const n = fs.readSync(fd, content, position, content.length - position, position);
      if (n === 0) break;
      position += n;
    }
    const after = fs.fstatSync(fd, { bigint: true });
    return { ok: true, before: version(before), content: position === content.length ? content : content.slice(0, position), after: version(after) };
  } catch (error) {
    return { ok: false, phase: 'read', code: error.code || 'UNKNOWN', message: error.message };
  } finally {
    fs.closeSync(fd);
  }
}
parentPort.on('message', ({ id, paths }) => {
  const reads = paths.map(readOne);
  parentPort.postMessage({ id, reads }, reads.flatMap((read) => (read.ok ? [read.content.buffer] : [])));
});
`;

/**
 * Reads small files whole on a worker thread, many per message. Requests made in the same turn of
 * the event loop go over together; results come back in request order.
 */
export class SmallFileReader {
  private worker: Worker | undefined;
  private failure: Error | undefined;
  private queued: Array<{ path: string; resolve: (read: WholeRead) => void }> = [];
  private readonly batches = new Map<number, Array<(read: WholeRead) => void>>();
  private nextId = 0;

  read(path: string): Promise<WholeRead> {
    return new Promise<WholeRead>((resolve) => {
      if (this.failure) return resolve({ ok: false, phase: 'read', error: this.failure });
      if (this.queued.length === 0) queueMicrotask(() => this.send());
      this.queued.push({ path, resolve });
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private send(): void {
    const queued = this.queued;
    this.queued = [];
    if (queued.length === 0) return;
    const id = this.nextId++;
    this.batches.set(
      id,
      queued.map((item) => item.resolve),
    );
    const worker = this.ensureWorker();
    worker.ref();
    worker.postMessage({ id, paths: queued.map((item) => item.path) });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', ({ id, reads }: { id: number; reads: WireRead[] }) => {
      const resolvers = this.batches.get(id) ?? [];
      this.batches.delete(id);
      if (this.batches.size === 0) worker.unref();
      reads.forEach((read, i) => resolvers[i]?.(fromWire(read)));
    });
    const fail = (error: Error): void => {
      this.failure = error;
      this.worker = undefined;
      for (const resolvers of this.batches.values()) for (const resolve of resolvers) resolve({ ok: false, phase: 'read', error });
      this.batches.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`The file-reading worker exited with code ${code}.`));
    });
    this.worker = worker;
    return worker;
  }
}

function fromWire(read: WireRead): WholeRead {
  if (read.ok) return { ok: true, before: read.before, content: Buffer.from(read.content.buffer, read.content.byteOffset, read.content.byteLength), after: read.after };
  return { ok: false, phase: read.phase, error: Object.assign(new Error(read.message), { code: read.code }) };
}
