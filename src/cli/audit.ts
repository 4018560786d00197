/**
 * `railyard audit verify [--checkpoint FILE] [--certificate FILE]` and `railyard audit checkpoint
 * [--out FILE]` over the configured store (RAILYARD_CONFIG / DATABASE_URL / RAILYARD_DATA_DIR, as
 * `start` reads them).
 *
 * verify: walks every payment's keyed chain with the configured audit keys (src/store/audit-chain.ts)
 * and prints one line per finding: payment id, history seq and the kind of tamper (edited,
 * rehashed, deleted, inserted, reordered, truncated, head_forged, unknown_key, legacy_broken). With
 * a checkpoint it also checks that every head the checkpoint recorded is still in place (a tail cut
 * with a restored head, a rewritten chain, a deleted payment). Exit 0 when everything holds, 1 on
 * any finding, 2 on usage errors or an unusable checkpoint.
 *
 * checkpoint: signs the current heads with Railyard's signing key, writes the file into the
 * checkpoint directory and prints it (or writes it to --out) so it can be stored elsewhere.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { loadConfig, type RailyardConfig } from '../config.js';
import { verifyChain, type AuditFinding, type AuditKeyring, type ChainEnd } from '../store/audit-chain.js';
import { createStore } from '../store/index.js';
import type { Store } from '../store/types.js';
import { CheckpointError, collectHeads, readCheckpoint, signCheckpoint, writeCheckpointFile, type CheckpointDocument } from '../trust/audit-checkpoint.js';
import { TrustedCertificate } from '../trust/certificate.js';
import { loadCredential, readPem, type Credential } from '../trust/keys.js';
import { loadOrCreateSandboxSigning } from '../trust/self-signed.js';
import { TrustError } from '../trust/errors.js';

export interface AuditIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

const USAGE = 'usage: railyard audit verify [--checkpoint FILE] [--certificate FILE] | railyard audit checkpoint [--out FILE]\n';

function line(f: AuditFinding): string {
  return `tampered: ${f.paymentId} seq ${f.seq ?? '-'} ${f.kind}: ${f.detail}\n`;
}

/** Compares the chains as they are now with the heads a checkpoint recorded. */
export function checkAgainstCheckpoint(doc: CheckpointDocument, ends: ReadonlyMap<string, ChainEnd>): AuditFinding[] {
  const out: AuditFinding[] = [];
  for (const [paymentId, count, hash] of doc.heads) {
    const end = ends.get(paymentId);
    if (!end) {
      out.push({ paymentId, seq: null, kind: 'payment_deleted', detail: `the checkpoint of ${doc.created_at} recorded ${count} rows; the payment is gone` });
    } else if (end.count < count) {
      out.push({ paymentId, seq: null, kind: 'truncated', detail: `the checkpoint of ${doc.created_at} recorded ${count} rows, the chain now ends at ${end.count}: ${count - end.count} row(s) cut from the end` });
    } else if (end.hashes[count] !== hash) {
      out.push({ paymentId, seq: null, kind: 'rewritten', detail: `row ${count} is not the one the checkpoint of ${doc.created_at} recorded: the chain up to it was rewritten` });
    }
  }
  return out;
}

export async function verifyAllChains(store: Store, keys: AuditKeyring, io: AuditIo, checkpoint?: CheckpointDocument): Promise<number> {
  let payments = 0;
  let rows = 0;
  let legacy = 0;
  let findings = 0;
  const ends = new Map<string, ChainEnd>();
  const wanted = checkpoint ? new Set(checkpoint.heads.map((h) => h[0])) : null;
  for (let after: string | null = null; ; ) {
    const heads = await store.listAuditHeads(after, 500);
    if (heads.length === 0) break;
    for (const head of heads) {
      const history = await store.listHistory(head.paymentId);
      payments++;
      rows += history.length;
      legacy += head.legacyCount;
      const result = verifyChain(history, head, keys);
      for (const f of result.findings) io.stdout(line(f));
      findings += result.findings.length;
      if (wanted?.has(head.paymentId)) ends.set(head.paymentId, result.end);
    }
    after = heads[heads.length - 1]?.paymentId ?? null;
  }
  if (checkpoint) {
    const against = checkAgainstCheckpoint(checkpoint, ends);
    for (const f of against) io.stdout(line(f));
    findings += against.length;
  }
  const legacyNote = legacy > 0 ? ` (${legacy} legacy rows from before keyed chains, checked with their SHA-256 links)` : '';
  const cp = checkpoint ? `, against the checkpoint of ${checkpoint.created_at} (${checkpoint.heads.length} heads)` : '';
  io.stdout(`${payments} payments, ${rows} history rows checked${legacyNote}${cp}: ${findings === 0 ? 'every chain holds' : `${findings} finding(s)`}\n`);
  return findings === 0 ? 0 : 1;
}

function option(args: string[], name: string): string | undefined | null {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  return v && !v.startsWith('--') ? v : null;
}

async function signerOf(config: RailyardConfig): Promise<Credential | undefined> {
  const files = config.trust?.signing ?? (config.mode === 'sandbox' ? await loadOrCreateSandboxSigning(config.dataDir) : undefined);
  return files ? loadCredential(files.certificate, files.privateKey, { purpose: 'sign' }) : undefined;
}

async function trustedCertificates(config: RailyardConfig, certFile: string | undefined): Promise<TrustedCertificate[] | undefined> {
  if (certFile) return TrustedCertificate.fromPem(readPem(certFile), certFile);
  const files = config.trust?.signing ?? (config.mode === 'sandbox' ? await loadOrCreateSandboxSigning(config.dataDir) : undefined);
  return files ? TrustedCertificate.fromPem(readPem(files.certificate), files.certificate) : undefined;
}

export async function auditCommand(args: string[], io: AuditIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const sub = args[0];
  const rest = args.slice(1);
  const known = sub === 'verify' ? ['--checkpoint', '--certificate'] : sub === 'checkpoint' ? ['--out'] : null;
  if (!known || rest.some((a, i) => a.startsWith('--') && !known.includes(a) && !known.includes(rest[i - 1] ?? ''))) {
    io.stderr(USAGE);
    return 2;
  }
  const values = Object.fromEntries(known.map((k) => [k, option(rest, k)]));
  if (Object.values(values).some((v) => v === null)) {
    io.stderr(USAGE);
    return 2;
  }
  const config = loadConfig(env);
  let checkpoint: CheckpointDocument | undefined;
  try {
    if (sub === 'verify' && values['--checkpoint']) {
      const certs = await trustedCertificates(config, values['--certificate'] ?? undefined);
      if (!certs || certs.length === 0) {
        io.stderr('railyard audit verify: --checkpoint needs Railyard\'s signing certificate (--certificate FILE, or security.signing in the configuration)\n');
        return 2;
      }
      checkpoint = await readCheckpoint(readFileSync(values['--checkpoint'], 'utf8'), certs);
    }
  } catch (err) {
    if (err instanceof CheckpointError || err instanceof TrustError) {
      io.stderr(`railyard audit verify: ${err.message}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      io.stderr(`railyard audit verify: ${values['--checkpoint'] ?? ''}: no such file\n`);
      return 2;
    }
    throw err;
  }
  const store = createStore({ dataDir: config.dataDir, auditKeys: config.audit.keys, ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}) });
  try {
    await store.migrate();
    if (sub === 'verify') return await verifyAllChains(store, config.audit.keys, io, checkpoint);
    const signer = await signerOf(config);
    if (!signer) {
      io.stderr('railyard audit checkpoint: needs Railyard\'s signing key (security.signing in the configuration)\n');
      return 2;
    }
    const now = new Date();
    const file = await signCheckpoint(await collectHeads(store, now), signer);
    const path = writeCheckpointFile(config.audit.checkpointDir, file, now);
    const out = values['--out'];
    if (out) writeFileSync(out, `${JSON.stringify(file, null, 2)}\n`);
    else io.stdout(`${JSON.stringify(file, null, 2)}\n`);
    io.stderr(`railyard audit checkpoint: written to ${path}${out ? ` and ${out}` : ''}\n`);
    return 0;
  } finally {
    await store.close();
  }
}
