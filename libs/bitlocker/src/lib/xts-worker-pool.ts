import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

import { BitLockerError, BitLockerErrorCode } from './bitlocker-error';
import { checkXtsArguments, xtsKernel } from './xts';

interface Job {
  id: number;
  resolve: (value: Uint8Array) => void;
  reject: (error: Error) => void;
}

interface WorkerSlot {
  worker: Worker;
  busy: number;
  jobs: Map<number, Job>;
}

const WORKER_SOURCE = `const { parentPort } = require('node:worker_threads');
const crypto = require('node:crypto');
const kernel = ${xtsKernel.toString()};
parentPort.on('message', (m) => {
  try {
    const out = kernel(crypto, m.key, m.data, m.firstSector, m.sectorSize, m.decrypt);
    parentPort.postMessage({ id: m.id, out }, [out.buffer]);
  } catch (error) {
    parentPort.postMessage({ id: m.id, error: String(error && error.stack || error) });
  }
});`;

/** Below this a buffer is not worth splitting across threads. */
const MIN_SLICE_BYTES = 256 * 1024;

/**
 * AES-XTS on worker threads: each call is split into sector-aligned slices, one per thread, and
 * each slice runs the same batched kernel as xts.ts. Create one per process (or per writer) and
 * close it when done; threads default to the machine's parallelism.
 */
export class XtsWorkerPool {
  private readonly slots: WorkerSlot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly threads: number = availableParallelism()) {
    if (!Number.isInteger(threads) || threads < 1) {
      throw new BitLockerError(BitLockerErrorCode.InvalidArgument, `A worker pool needs at least one thread, not ${threads}.`);
    }
    for (let i = 0; i < threads; i++) {
      const slot: WorkerSlot = { worker: new Worker(WORKER_SOURCE, { eval: true }), busy: 0, jobs: new Map() };
      slot.worker.on('message', (message: { id: number; out?: Uint8Array; error?: string }) => {
        const job = slot.jobs.get(message.id);
        if (!job) return;
        slot.jobs.delete(message.id);
        slot.busy -= 1;
        if (message.out) job.resolve(message.out);
        else job.reject(new Error(`XTS worker failed: ${message.error ?? 'no result'}`));
      });
      slot.worker.on('error', (error) => this.failAll(slot, error));
      slot.worker.on('exit', (code) => {
        if (!this.closed) this.failAll(slot, new Error(`An XTS worker thread exited with code ${code}.`));
      });
      this.slots.push(slot);
    }
  }

  encrypt(key: Uint8Array, plaintext: Uint8Array, firstSector: number, sectorSize: number): Promise<Buffer> {
    return this.run(key, plaintext, firstSector, sectorSize, false);
  }

  decrypt(key: Uint8Array, ciphertext: Uint8Array, firstSector: number, sectorSize: number): Promise<Buffer> {
    return this.run(key, ciphertext, firstSector, sectorSize, true);
  }

  private async run(key: Uint8Array, data: Uint8Array, firstSector: number, sectorSize: number, decrypt: boolean): Promise<Buffer> {
    if (this.closed) throw new BitLockerError(BitLockerErrorCode.InvalidArgument, 'The XTS worker pool is closed.');
    checkXtsArguments(key, data.length, sectorSize);
    const sectors = data.length / sectorSize;
    const slices = Math.max(1, Math.min(this.threads, Math.floor(data.length / MIN_SLICE_BYTES)));
    const perSlice = Math.ceil(sectors / slices);
    const parts: Promise<Uint8Array>[] = [];
    for (let first = 0; first < sectors; first += perSlice) {
      const count = Math.min(perSlice, sectors - first);
      // Copy into a fresh ArrayBuffer that can be transferred (the caller's may be a pooled slice).
      const slice = new Uint8Array(count * sectorSize);
      slice.set(data.subarray(first * sectorSize, (first + count) * sectorSize));
      parts.push(this.dispatch({ key: Uint8Array.from(key), data: slice, firstSector: firstSector + first, sectorSize, decrypt }));
    }
    const done = await Promise.all(parts);
    if (done.length === 1 && done[0]) return Buffer.from(done[0].buffer, done[0].byteOffset, done[0].length);
    return Buffer.concat(done);
  }

  private dispatch(message: { key: Uint8Array; data: Uint8Array; firstSector: number; sectorSize: number; decrypt: boolean }): Promise<Uint8Array> {
    const slot = this.slots.reduce((best, candidate) => (candidate.busy < best.busy ? candidate : best));
    const id = this.nextId++;
    slot.busy += 1;
    return new Promise<Uint8Array>((resolve, reject) => {
      slot.jobs.set(id, { id, resolve, reject });
      slot.worker.postMessage({ id, ...message }, [message.data.buffer as ArrayBuffer]);
    });
  }

  private failAll(slot: WorkerSlot, error: Error): void {
    for (const job of slot.jobs.values()) job.reject(error);
    slot.jobs.clear();
    slot.busy = 0;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
  }
}
