import { Worker } from 'node:worker_threads';

import { PACK_HEADER_SIZE, PackBuilder } from './pack';

export interface PackDigest {
  /** Hex SHA-256: the pack's id. */
  readonly sha256: string;
  /** Base64 MD5: the Content-MD5 Azure checks for the blob. */
  readonly md5: string;
}

/** Bytes handed to the worker for hashing at once: a message per small chunk costs more than hashing it. */
const HASH_STEP_BYTES = 4 * 1024 * 1024;

// Plain JS so it runs the same under node, jest and the SWC require hook. Synchronous fs: this thread
// does nothing else, and each call skips a round trip through the libuv pool.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
let buffers = [];
let sha256;
let md5;
function hash(bytes) {
  sha256.update(bytes);
  md5.update(bytes);
}
function writeAllSync(fd, parts) {
  for (let part of parts) {
    while (part.length > 0) part = part.subarray(fs.writeSync(fd, part));
  }
}
function syncPath(p) {
  const fd = fs.openSync(p, 'r');
  try { fs.fsyncSync(fd); } finally { fs.closeSync(fd); }
}
function commit(m) {
  hash(buffers[m.b].subarray(m.from, m.size));
  hash(m.trailer);
  const digest = { sha256: sha256.digest('hex'), md5: md5.digest('base64') };
  const fd = fs.openSync(m.tmpPath, 'wx');
  try {
    writeAllSync(fd, [buffers[m.b].subarray(0, m.size), m.trailer]);
    fs.fsyncSync(fd);
  } catch (error) {
    fs.closeSync(fd);
    fs.rmSync(m.tmpPath, { force: true });
    throw error;
  }
  fs.closeSync(fd);
  const dir = path.join(m.packsDir, digest.sha256.slice(0, 2));
  fs.mkdirSync(dir, { recursive: true });
  fs.renameSync(m.tmpPath, path.join(dir, digest.sha256 + '.pack'));
  syncPath(dir);
  return digest;
}
parentPort.on('message', (m) => {
  if (m.t === 'buffers') buffers = m.buffers.map((shared) => Buffer.from(shared));
  else if (m.t === 'start') { sha256 = createHash('sha256'); md5 = createHash('md5'); }
  else if (m.t === 'hash') hash(buffers[m.b].subarray(m.from, m.to));
  else {
    try {
      parentPort.postMessage({ ok: true, digest: commit(m) });
    } catch (error) {
      parentPort.postMessage({ ok: false, message: error && error.message ? error.message : String(error), code: error && error.code });
    }
  }
});
`;

interface PendingCommit {
  readonly resolve: (digest: PackDigest) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Assembles packs in memory shared with a worker thread, which hashes every packed byte (SHA-256 for
 * the pack's id and MD5 for Azure; MD5 alone costs about as much as chunking) as it arrives and
 * then makes the pack durable: written to tmp/, fsynced, renamed into packs/, directory fsynced.
 * Two pack buffers: one is filled while the other is being committed, so the thread that chunks
 * never waits for the disk unless two commits would be in flight. Each stored chunk is copied once,
 * into memory that is reused, instead of into a fresh buffer per message.
 */
export class PackCommitter {
  private worker: Worker | undefined;
  private failure: Error | undefined;
  private readonly buffers: Buffer[];
  /** Which buffer the current pack fills, how much of it is used, and how much was sent for hashing. */
  private current = 0;
  private used = 0;
  private hashed = 0;
  /** Buffer index -> the commit still reading it. */
  private readonly busy: Array<Promise<unknown> | undefined> = [undefined, undefined];
  private readonly pending: PendingCommit[] = [];

  /** `capacity`: the most bytes (header and stored chunks, not the trailer) one pack can hold. */
  constructor(readonly capacity: number) {
    this.buffers = [0, 1].map(() => Buffer.from(new SharedArrayBuffer(capacity)));
  }

  /** Bytes of the current pack so far (header and chunks). */
  get size(): number {
    return this.used;
  }

  /** Begins a pack in the free buffer. The caller must have awaited the commit that last used it. */
  start(): void {
    if (this.busy[this.current]) throw new Error('PackCommitter.start: the pack buffer is still being committed.');
    this.post({ t: 'start' });
    this.used = 0;
    this.hashed = 0;
    this.append(PackBuilder.header());
  }

  /** Copies stored chunk bytes into the pack; returns their offset in it. */
  append(bytes: Uint8Array): number {
    if (this.used + bytes.length > this.capacity) throw new RangeError(`A pack of ${this.capacity} bytes has no room for ${bytes.length} more.`);
    const offset = this.used;
    this.buffers[this.current]?.set(bytes, offset);
    this.used += bytes.length;
    if (this.used - this.hashed >= HASH_STEP_BYTES) {
      this.post({ t: 'hash', b: this.current, from: this.hashed, to: this.used });
      this.hashed = this.used;
    }
    return offset;
  }

  /**
   * Ends the current pack with its trailer and commits it in the background; resolves with its
   * digest once the pack is durable under packs/. The next pack goes into the other buffer.
   */
  commit(trailer: Buffer, tmpPath: string, packsDir: string): Promise<PackDigest> {
    const b = this.current;
    const done = new Promise<PackDigest>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending.push({ resolve, reject });
      this.post({ t: 'end', b, from: this.hashed, size: this.used, trailer, tmpPath, packsDir });
      this.worker?.ref();
    });
    const released = done.then(
      () => undefined,
      () => undefined,
    );
    this.busy[b] = released;
    void released.then(() => {
      if (this.busy[b] === released) this.busy[b] = undefined;
    });
    this.current = 1 - b;
    this.used = 0;
    this.hashed = 0;
    return done;
  }

  async close(): Promise<void> {
    await Promise.all(this.busy.filter((commit): commit is Promise<unknown> => commit !== undefined));
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private post(message: object): void {
    if (this.failure) return;
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.postMessage({ t: 'buffers', buffers: this.buffers.map((buffer) => buffer.buffer) });
    worker.on('message', (reply: { ok: true; digest: PackDigest } | { ok: false; message: string; code?: string }) => {
      const pending = this.pending.shift();
      if (this.pending.length === 0) worker.unref();
      if (reply.ok) pending?.resolve(reply.digest);
      else pending?.reject(Object.assign(new Error(`Writing a pack failed: ${reply.message}`), { code: reply.code }));
    });
    const fail = (error: Error): void => {
      this.failure = error;
      this.worker = undefined;
      for (const pending of this.pending.splice(0)) pending.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`The pack-writing worker exited with code ${code}.`));
    });
    this.worker = worker;
    return worker;
  }
}

/** The most bytes before the trailer a pack can have: it closes at the target, after one chunk too many. */
export function packCapacity(packTargetBytes: number, maxChunkBytes: number): number {
  return PACK_HEADER_SIZE + packTargetBytes + maxChunkBytes;
}
