import { webcrypto } from 'node:crypto';
import * as pkijs from 'pkijs';

let installed: pkijs.ICryptoEngine | null = null;

/**
 * pkijs looks its crypto engine up globally; binding it to Node's webcrypto once, explicitly,
 * avoids depending on `globalThis.crypto` being what we expect in every runtime.
 */
export function cryptoEngine(): pkijs.ICryptoEngine {
  if (!installed) {
    const engine = new pkijs.CryptoEngine({ name: 'node', crypto: webcrypto as unknown as ConstructorParameters<typeof pkijs.CryptoEngine>[0]['crypto'] });
    pkijs.setEngine('node', engine);
    installed = engine;
  }
  return installed;
}

export const subtle = webcrypto.subtle;
export type CryptoKey = webcrypto.CryptoKey;

/** pkijs and webcrypto want ArrayBuffers; copy so a Buffer's shared pool never leaks into them. */
export function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const out = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(out).set(bytes);
  return out;
}
