import { Worker } from 'node:worker_threads';

export interface PackDigest {
  /** Hex SHA-256: the pack's id. */
  readonly sha256: string;
  /** Base64 MD5: the Content-MD5 Azure checks for the blob. */
  readonly md5: string;
}

const BATCH_BYTES = 1024 * 1024;

// Plain JS so it runs the same under node, jest and the SWC require hook.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
let sha256;
let md5;
parentPort.on('message', (message) => {
  if (message.t === 'start') {
    sha256 = createHash('sha256');
    md5 = createHash('md5');
  } else if (message.t === 'data') {
    sha256.update(message.data);
    md5.update(message.data);
  } else {
    parentPort.postMessage({ sha256: sha256.digest('hex'), md5: md5.digest('base64') });
  }
});
`;

/**
 * Hashes a pack on a worker thread while its bytes are collected, so SHA-256 and MD5 of every packed
 * byte (MD5 alone costs about as much as chunking) do not hold up the thread that chunks and hashes
 * the source. One pack at a time: start, update in order, finish.
 */
export class PackDigester {
  private worker: Worker | undefined;
  private pending: { resolve: (digest: PackDigest) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private batch: Uint8Array[] = [];
  private batchBytes = 0;

  start(header: Uint8Array): void {
    this.batch = [];
    this.batchBytes = 0;
    this.post({ t: 'start' });
    this.update(header);
  }

  update(bytes: Uint8Array): void {
    this.batch.push(bytes);
    this.batchBytes += bytes.length;
    if (this.batchBytes >= BATCH_BYTES) this.sendBatch();
  }

  finish(): Promise<PackDigest> {
    this.sendBatch();
    return new Promise<PackDigest>((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      this.pending = { resolve, reject };
      this.post({ t: 'end' });
    });
  }

  /** Small chunks go over in batches: a message per chunk costs more than hashing it. */
  private sendBatch(): void {
    if (this.batchBytes === 0) return;
    // One fresh buffer of exactly these bytes: sending a view would clone its whole backing buffer.
    const copy = new Uint8Array(this.batchBytes);
    let at = 0;
    for (const bytes of this.batch) {
      copy.set(bytes, at);
      at += bytes.length;
    }
    this.batch = [];
    this.batchBytes = 0;
    this.post({ t: 'data', data: copy }, [copy.buffer]);
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker) await worker.terminate();
  }

  private post(message: object, transfer: ArrayBuffer[] = []): void {
    if (this.failure) return;
    this.ensureWorker().postMessage(message, transfer);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    worker.unref();
    worker.on('message', (digest: PackDigest) => {
      const pending = this.pending;
      this.pending = undefined;
      pending?.resolve(digest);
    });
    const fail = (error: Error): void => {
      this.failure = error;
      this.worker = undefined;
      this.pending?.reject(error);
      this.pending = undefined;
    };
    worker.on('error', fail);
    worker.on('exit', (code) => {
      if (this.worker === worker) fail(new Error(`The pack-hashing worker exited with code ${code}.`));
    });
    this.worker = worker;
    return worker;
  }
}
