/**
 * Signed checkpoints of every payment's audit-chain head (src/store/audit-chain.ts). A checkpoint
 * is a JSON file meant to be kept away from the database (another host, object storage with
 * retention, a ticket): whoever can rewrite the database cannot rewrite the checkpoint, so a tail
 * cut or a rewritten chain shows against it even when the head on the payment row was restored.
 *
 * File shape: `{ format, document, signature }` where `document` is the exact JSON text that was
 * signed (so no re-serialisation is needed to check it) and `signature` the base64 DER of a
 * detached CMS SignedData by Railyard's signing key over its UTF-8 bytes. Verifying needs only
 * Railyard's signing certificate (`openssl cms -verify -binary -inform DER -content doc.json` works too).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Store } from '../store/types.js';
import type { TrustedCertificate } from './certificate.js';
import { TrustError } from './errors.js';
import type { Credential } from './keys.js';
import { signDetached } from './sign.js';
import { SignatureVerifier } from './verify.js';

export const CHECKPOINT_FORMAT = 'railyard-audit-checkpoint/1';

export interface CheckpointDocument {
  format: typeof CHECKPOINT_FORMAT;
  created_at: string;
  /** [payment id, chain length, hash of the last row], payment id order; only payments with rows. */
  heads: [string, number, string][];
}

export interface CheckpointFile {
  format: typeof CHECKPOINT_FORMAT;
  document: string;
  signature: string;
}

/** The heads as the store has them now. Legacy-only payments count by their legacy rows. */
export async function collectHeads(store: Store, now: Date): Promise<CheckpointDocument> {
  const heads: [string, number, string][] = [];
  for (let after: string | null = null; ; ) {
    const page = await store.listAuditHeads(after, 500);
    if (page.length === 0) break;
    for (const h of page) {
      if (h.count !== null && h.hash) heads.push([h.paymentId, h.count, h.hash]);
      else if (h.legacyCount > 0) {
        const rows = await store.listHistory(h.paymentId);
        const last = rows[rows.length - 1];
        if (last?.hash) heads.push([h.paymentId, rows.length, last.hash]);
      }
    }
    after = page[page.length - 1]?.paymentId ?? null;
  }
  return { format: CHECKPOINT_FORMAT, created_at: now.toISOString(), heads };
}

export async function signCheckpoint(doc: CheckpointDocument, signer: Credential): Promise<CheckpointFile> {
  const document = JSON.stringify(doc);
  const signature = Buffer.from(await signDetached(Buffer.from(document, 'utf8'), signer)).toString('base64');
  return { format: CHECKPOINT_FORMAT, document, signature };
}

/** A checkpoint file that is not well formed or whose signature does not verify. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** Parses and verifies a checkpoint file against Railyard's signing certificate(s). */
export async function readCheckpoint(text: string, trusted: readonly TrustedCertificate[]): Promise<CheckpointDocument> {
  let file: unknown;
  try {
    file = JSON.parse(text);
  } catch {
    throw new CheckpointError('the checkpoint file is not JSON');
  }
  const f = file as Partial<CheckpointFile> | null;
  if (!f || f.format !== CHECKPOINT_FORMAT || typeof f.document !== 'string' || typeof f.signature !== 'string') {
    throw new CheckpointError(`the checkpoint file is not a ${CHECKPOINT_FORMAT} document`);
  }
  try {
    await new SignatureVerifier(trusted).verify(new Uint8Array(Buffer.from(f.signature, 'base64')), new Uint8Array(Buffer.from(f.document, 'utf8')));
  } catch (err) {
    if (err instanceof TrustError) throw new CheckpointError(`the checkpoint signature does not verify: ${err.message}`);
    throw err;
  }
  const doc = JSON.parse(f.document) as Partial<CheckpointDocument>;
  const heads = doc.heads;
  const wellFormed =
    doc.format === CHECKPOINT_FORMAT &&
    typeof doc.created_at === 'string' &&
    Array.isArray(heads) &&
    heads.every((h) => Array.isArray(h) && typeof h[0] === 'string' && Number.isInteger(h[1]) && typeof h[2] === 'string');
  if (!wellFormed) throw new CheckpointError('the signed checkpoint document is not well formed');
  return doc as CheckpointDocument;
}

/** Writes `file` into `dir` as `checkpoint-<time>.json` (written aside, then renamed). Returns the path. */
export function writeCheckpointFile(dir: string, file: CheckpointFile, now: Date): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = `checkpoint-${now.toISOString().replace(/[:.]/g, '-')}.json`;
  const path = join(dir, name);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o644 });
  renameSync(tmp, path);
  return path;
}

export interface CheckpointerOptions {
  store: Store;
  signer: Credential;
  dir: string;
  intervalMs: number;
  now: () => Date;
  onError: (err: unknown) => void;
  onWritten?: (path: string, heads: number) => void;
}

/** Writes a checkpoint every `intervalMs` (real time) until stopped. Overlapping runs are skipped. */
export function startCheckpointer(o: CheckpointerOptions): { stop(): void; runOnce(): Promise<string> } {
  let running = false;
  const runOnce = async (): Promise<string> => {
    const now = o.now();
    const doc = await collectHeads(o.store, now);
    const path = writeCheckpointFile(o.dir, await signCheckpoint(doc, o.signer), now);
    o.onWritten?.(path, doc.heads.length);
    return path;
  };
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runOnce()
      .catch(o.onError)
      .finally(() => (running = false));
  }, o.intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer), runOnce };
}
