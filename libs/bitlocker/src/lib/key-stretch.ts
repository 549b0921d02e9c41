import * as nodeCrypto from 'node:crypto';
import { Worker } from 'node:worker_threads';

/**
 * BitLocker's key stretching: an 88-byte state {last SHA-256, initial SHA-256, salt, u64 count}
 * hashed 2^20 times. The result is the AES-256 key that unwraps the VMK. About one second in Node.
 * Self-contained, because the async variants run its source text in a worker thread.
 */
export function stretchKernel(crypto: Pick<typeof nodeCrypto, 'createHash'>, initial: Uint8Array, salt: Uint8Array): Uint8Array {
  const state = new Uint8Array(88);
  const view = new DataView(state.buffer);
  state.set(initial, 32);
  state.set(salt.subarray(0, 16), 64);
  for (let count = 0; count < 0x100000; count++) {
    view.setUint32(80, count, true);
    state.set(crypto.createHash('sha256').update(state).digest(), 0);
  }
  return state.slice(0, 32);
}

function sha256(data: Uint8Array): Buffer {
  return nodeCrypto.createHash('sha256').update(data).digest();
}

function recoveryInitial(recoveryKey: Uint8Array): Buffer {
  return sha256(recoveryKey);
}

/** initial = SHA-256(SHA-256(UTF-16LE password)). */
function passwordInitial(password: string): Buffer {
  return sha256(sha256(Buffer.from(password, 'utf16le')));
}

/** Stretches the 16-byte recovery key (from the 48-digit password), on the calling thread. */
export function stretchRecoveryKey(recoveryKey: Uint8Array, salt: Buffer): Buffer {
  return Buffer.from(stretchKernel(nodeCrypto, recoveryInitial(recoveryKey), salt));
}

/** Stretches a user password, on the calling thread. */
export function stretchPassword(password: string, salt: Buffer): Buffer {
  return Buffer.from(stretchKernel(nodeCrypto, passwordInitial(password), salt));
}

export type StretchSecret = { recoveryKey: Uint8Array } | { password: string };

/** The same stretch in a worker thread, so a service's event loop is not blocked for a second. */
export async function stretchInWorker(secret: StretchSecret, salt: Buffer): Promise<Buffer> {
  const initial = 'recoveryKey' in secret ? recoveryInitial(secret.recoveryKey) : passwordInitial(secret.password);
  const source = `const { parentPort, workerData } = require('node:worker_threads');
const kernel = ${stretchKernel.toString()};
const out = kernel(require('node:crypto'), workerData.initial, workerData.salt);
parentPort.postMessage(out);`;
  const worker = new Worker(source, { eval: true, workerData: { initial, salt } });
  try {
    return await new Promise<Buffer>((resolve, reject) => {
      worker.once('message', (value: Uint8Array) => resolve(Buffer.from(value)));
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`The key-stretch worker exited with code ${code} before answering.`)));
    });
  } finally {
    await worker.terminate();
  }
}
