import { randomUUID } from 'node:crypto';
import { Iso20022Error, parse, type Pacs004v09, type Pain002v10 } from '../../iso20022/index.js';
import { localDate, type CalendarSpec } from '../calendar/index.js';
import type { BatchProfile } from '../profile.js';
import { unprotectInbound, type InboundProtection } from '../protect/index.js';
import { sha256Hex, type BatchItem, type BatchRecords, type InboundRecord } from '../records.js';
import { TransportError, type FileTransport, type RemoteEntry } from '../transport/index.js';
import { UniqueViolation } from '../../store/types.js';
import type { PublishEvent } from './publish.js';
import { applyReturns } from './returns.js';
import { auditFile } from '../audit.js';
import { asStatementEvents, isEndOfDay, reconcileItems, recordStatement, type CamtFamily, type Reconciled } from './statement.js';
import { describeKeptAside, onlyStatements, splitStatements, type FileStatements } from './statement-file.js';
import { applyStatusReport } from './status-report.js';

export interface PollContext {
  records: BatchRecords;
  profile: BatchProfile;
  calendar: CalendarSpec;
  protection: InboundProtection;
  transport: FileTransport;
  publish: PublishEvent | undefined;
}

export interface PolledFile {
  name: string;
  message: string | null;
  outcome: InboundRecord['outcome'] | 'skipped';
  detail?: string;
}

export interface PollResult {
  files: PolledFile[];
  /** Files left where they are because the rail cannot take them (too large, gone meanwhile). */
  problems: PolledFile[];
  /** Items whose bank status changed or was repeated: the engine is told about each. */
  touched: BatchItem[];
}

class UnreadableFile extends Error {}

const FAMILY = /^camt\.(052|053|054)\./;

interface PreparedStatements {
  family: CamtFamily;
  split: FileStatements;
  /** Null when no statement of the file is about our account. */
  reconciled: Reconciled | null;
}

interface Sighting {
  size: number;
  mtimeMs: number;
  since: number;
}

const MESSAGE = /urn:iso:std:iso:20022:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})/;

/**
 * Fetches the bank's files exactly once. A file counts only when it is complete: no dot or `.part`
 * name, its done file beside it when the bank writes them, else size and mtime unchanged for
 * `stableMs` across polls. Its ledger row and everything it causes commit in ONE transaction, so
 * a crash between download and commit only means it is fetched and applied again later, and a
 * crash after the commit (before the remote clean-up) finds its ledger row and skips it.
 */
export class InboundPoller {
  private readonly seen = new Map<string, Sighting>();
  private readonly malformed = new Map<string, number>();
  /** Files complete but for their `.p7s`: since when each has waited (in memory: a restart waits anew). */
  private readonly awaitingSignature = new Map<string, number>();

  constructor(private readonly ctx: PollContext) {}

  async poll(now: number): Promise<PollResult> {
    const { transport, profile } = this.ctx;
    const dir = profile.directories.inbound;
    const listing = await transport.list(dir);
    const names = new Set(listing.map((e) => e.name));
    const result: PollResult = { files: [], touched: [], problems: [] };
    const present = new Set<string>();
    for (const entry of listing) {
      present.add(entry.name);
      if (!this.complete(entry, names, now)) continue;
      let polled: PolledFile | null;
      try {
        polled = await this.take(entry, now, result, names);
      } catch (err) {
        // One file the rail cannot take (too large, gone meanwhile) must not hold back the others;
        // a broken connection stops the round.
        if (!(err instanceof TransportError) || (err.kind !== 'too_large' && err.kind !== 'not_found')) throw err;
        polled = { name: entry.name, message: null, outcome: 'skipped', detail: `${err.kind}: ${err.message}` };
        result.problems.push(polled);
      }
      if (polled) result.files.push(polled);
    }
    for (const name of this.seen.keys()) if (!present.has(name)) this.seen.delete(name);
    for (const name of this.awaitingSignature.keys()) if (!present.has(name)) this.awaitingSignature.delete(name);
    return result;
  }

  private complete(entry: RemoteEntry, names: ReadonlySet<string>, now: number): boolean {
    const { profile } = this.ctx;
    const n = entry.name;
    if (n.startsWith('.') || n.endsWith('.part') || n.endsWith('.tmp')) return false;
    if (profile.inboundDoneSuffix) {
      if (n.endsWith(profile.inboundDoneSuffix)) return false;
      return names.has(`${n}${profile.inboundDoneSuffix}`);
    }
    if (n.endsWith('.p7s') || n.endsWith('.sig')) return false;
    const before = this.seen.get(n);
    if (!before || before.size !== entry.size || before.mtimeMs !== entry.mtimeMs) {
      this.seen.set(n, { size: entry.size, mtimeMs: entry.mtimeMs, since: now });
      return false;
    }
    return now - before.since >= profile.stableMs;
  }

  private async take(entry: RemoteEntry, now: number, result: PollResult, names: ReadonlySet<string>): Promise<PolledFile | null> {
    const { transport, profile, records } = this.ctx;
    const dir = profile.directories.inbound;
    // A file left in place (afterIngest: keep, or a clean-up that failed) is known by name, size and
    // mtime: no need to fetch it again just to find its hash in the ledger.
    const seenBefore = await records.inboundByListing(entry.name, entry.size, entry.mtimeMs);
    if (seenBefore) {
      await this.cleanUp(entry.name);
      return profile.directories.afterIngest === 'keep' ? null : { name: entry.name, message: seenBefore.message, outcome: 'skipped', detail: 'already applied' };
    }
    if (this.ctx.protection.kind === 'cms-detached' && !names.has(`${entry.name}.p7s`)) return this.waitForSignature(entry.name, now, result);
    this.awaitingSignature.delete(entry.name);
    const bytes = await transport.download(dir, entry.name, { maxBytes: profile.maxInboundBytes });
    const sha256 = sha256Hex(bytes);
    const known = await records.inbound(entry.name, sha256);
    if (known) {
      // Applied before a crash or before the remote clean-up: only the clean-up is left.
      await this.cleanUp(entry.name);
      return { name: entry.name, message: known.message, outcome: 'skipped', detail: 'already applied' };
    }
    const record: InboundRecord = {
      id: `bi_${randomUUID().replace(/-/g, '')}`,
      connector: records.connector,
      name: entry.name,
      size: bytes.byteLength,
      mtime: entry.mtimeMs,
      sha256,
      message: null,
      outcome: 'applied',
      detail: null,
      receivedAt: now,
    };
    let sidecar: Uint8Array | undefined;
    if (this.ctx.protection.kind === 'cms-detached') {
      try {
        sidecar = await transport.download(dir, `${entry.name}.p7s`, { maxBytes: 1024 * 1024 });
      } catch (err) {
        // The bank may write the signature after the file: wait for it rather than judge the file.
        if (err instanceof TransportError && err.kind === 'not_found') return { name: entry.name, message: null, outcome: 'skipped', detail: 'its .p7s signature is not there yet' };
        throw err;
      }
    }
    let xml: Uint8Array;
    try {
      xml = (await unprotectInbound(bytes, this.ctx.protection, sidecar)).data;
    } catch (err) {
      return this.reject(record, bytes, `protection check failed: ${err instanceof Error ? err.message : String(err)}`, sidecar);
    }
    const head = Buffer.from(xml.subarray(0, 4096)).toString('utf8');
    const message = MESSAGE.exec(head)?.[1] ?? null;
    record.message = message;
    try {
      // Every applier is idempotent, so a file sent twice under two names is applied again (the
      // engine records repeated statuses as notes) and only marked as the duplicate it is.
      // A statement is read against our records before the transaction (it may take seconds);
      // only its writes hold the store.
      const prepared = await this.prepareStatements(message, xml, now);
      const touched = await records.transaction(async (db, dialect) => {
        const again = await records.sameContent(db, sha256);
        await records.insertInbound(db, { ...record, outcome: again ? 'duplicate' : 'applied' }, bytes, sidecar);
        const applied = await this.apply(db, dialect, message, xml, record, now, prepared);
        // what the file did, kept beside its bytes (a DU01 refusal, counts of settlements and breaks)
        if (applied.detail) await records.setInboundDetail(db, record.id, applied.detail);
        return again ? { ...applied, duplicate: true } : applied;
      });
      // which exact bytes decided each payment, in its hash-chained timeline
      await auditFile(records.store, touched.concerned, { direction: 'inbound', name: record.name, sha256, message, sidecarSha256: sidecar ? sha256Hex(sidecar) : null }, now);
      result.touched.push(...touched.items);
      this.malformed.delete(entry.name);
      await this.cleanUp(entry.name);
      return { name: entry.name, message, outcome: touched.duplicate ? 'duplicate' : 'applied', ...(touched.detail ? { detail: touched.detail } : {}) };
    } catch (err) {
      // Another node polling the same directory applied it first; its commit stands, ours rolled back.
      if (err instanceof UniqueViolation) return { name: entry.name, message, outcome: 'skipped', detail: 'applied by another node' };
      // Only an unreadable file is the file's fault; a store or transport failure is ours and
      // surfaces (nothing was committed, so the next poll takes the file again).
      if (!(err instanceof Iso20022Error) && !(err instanceof UnreadableFile)) throw err;
      // Possibly still being written (a bank without temp names): try again on later polls first.
      const tries = (this.malformed.get(entry.name) ?? 0) + 1;
      this.malformed.set(entry.name, tries);
      const detail = err instanceof Error ? err.message : String(err);
      if (tries <= profile.malformedRetries) {
        this.seen.delete(entry.name);
        return { name: entry.name, message, outcome: 'skipped', detail: `unreadable (try ${tries}): ${detail}` };
      }
      this.malformed.delete(entry.name);
      return this.reject(record, bytes, `unreadable: ${detail}`, sidecar);
    }
  }

  private async apply(
    db: Parameters<Parameters<BatchRecords['transaction']>[0]>[0],
    dialect: Parameters<Parameters<BatchRecords['transaction']>[0]>[1],
    message: string | null,
    xml: Uint8Array,
    record: InboundRecord,
    now: number,
    prepared: PreparedStatements | undefined,
  ): Promise<{ items: BatchItem[]; duplicate: boolean; detail?: string; concerned: BatchItem[] }> {
    const { records, profile, calendar, publish } = this.ctx;
    const text = (): string => Buffer.from(xml).toString('utf8');
    switch (message?.slice(0, 8)) {
      case 'pain.002': {
        const effect = await applyStatusReport(db, records, parse(text(), { maxBytes: profile.maxInboundBytes }).model as Pain002v10, now);
        return { items: effect.touched, concerned: effect.touched, duplicate: false, ...(effect.ignored ? { detail: effect.ignored.reason } : {}) };
      }
      case 'pacs.004': {
        const returned = await applyReturns(db, dialect, { records, publish }, parse(text(), { maxBytes: profile.maxInboundBytes }).model as Pacs004v09, localDate(now, calendar.timeZone ?? 'UTC'), now);
        return { items: [], concerned: returned, duplicate: false, detail: `${returned.length} returns` };
      }
      case 'camt.052':
      case 'camt.053':
      case 'camt.054': {
        if (!prepared) throw new UnreadableFile(`${message} was not read before its transaction`);
        const aside = describeKeptAside(prepared.split.others, profile.account.iban);
        if (!prepared.reconciled) return { items: [], concerned: [], duplicate: false, detail: aside ?? 'no statement in the file' };
        const effect = await recordStatement(db, dialect, { records, profile, calendar, publish }, prepared.reconciled, prepared.family, record.id, now);
        const own = effect.duplicate ? `statement ${effect.statementId} was applied before` : `${effect.result.settlements.length} settled, ${effect.newBreaks.length} breaks`;
        // the payments this statement settled or broke on
        const byId = prepared.reconciled.items;
        const concerned = effect.duplicate
          ? []
          : [...effect.result.settlements.map((s) => byId.get(s.paymentId)), ...effect.newBreaks.map((b) => (b.paymentId ? byId.get(b.paymentId) : undefined))].filter((i): i is BatchItem => i !== undefined);
        return { items: [], concerned, duplicate: effect.duplicate, detail: aside ? `${own}; ${aside}` : own };
      }
      default:
        throw new UnreadableFile(`not a message this rail reads (${message ?? 'no ISO 20022 namespace'})`);
    }
  }

  /**
   * A camt file read against our records before its transaction (reading a large one takes
   * seconds; only its writes hold the store). Each statement is matched to its account first: ours
   * are reconciled together, the others only named, so another account's statement neither hides
   * ours nor turns its entries into our breaks, whatever the order in the file.
   */
  private async prepareStatements(message: string | null, xml: Uint8Array, now: number): Promise<PreparedStatements | undefined> {
    const { profile, records } = this.ctx;
    const family = FAMILY.exec(message ?? '')?.[1] as CamtFamily | undefined;
    if (!family) return undefined;
    const split = await splitStatements(asStatementEvents(xml, family), profile.account.iban);
    if (split.ours.length === 0) return { family, split, reconciled: null };
    const events = onlyStatements(asStatementEvents(xml, family), split.ours);
    const reconciled = await reconcileItems({ profile, calendar: this.ctx.calendar }, records.itemsForReconciliation(), events, now, undefined, { checkAbsence: isEndOfDay(family, profile) });
    return { family, split, reconciled };
  }

  /**
   * A file whose detached signature has not arrived is left where it is, not downloaded: the bank
   * may write the signature after the file. Past `signatureWaitMs` it is a problem for the rail's
   * health (every poll, until the signature comes or someone removes the file); never read unsigned.
   */
  private waitForSignature(name: string, now: number, result: PollResult): PolledFile {
    const since = this.awaitingSignature.get(name) ?? now;
    this.awaitingSignature.set(name, since);
    const waited = now - since;
    if (waited < this.ctx.profile.signatureWaitMs) return { name, message: null, outcome: 'skipped', detail: 'its .p7s signature is not there yet' };
    const problem: PolledFile = { name, message: null, outcome: 'skipped', detail: `signature_missing: its .p7s has not arrived in ${Math.round(waited / 60_000)} min; not read` };
    result.problems.push(problem);
    return problem;
  }

  private async reject(record: InboundRecord, bytes: Uint8Array, detail: string, sidecar?: Uint8Array): Promise<PolledFile> {
    const { records } = this.ctx;
    await records.transaction((db) => records.insertInbound(db, { ...record, outcome: 'rejected', detail: detail.slice(0, 500) }, bytes, sidecar));
    // A rejected file leaves the bank's directory too (moved when the profile keeps files), so it is not fetched forever.
    await this.cleanUp(record.name);
    return { name: record.name, message: record.message, outcome: 'rejected', detail };
  }

  private async cleanUp(name: string): Promise<void> {
    const { transport, profile } = this.ctx;
    const dir = profile.directories.inbound;
    if (profile.directories.afterIngest === 'delete') await transport.remove(dir, name);
    else if (profile.directories.afterIngest === 'move') await transport.move(dir, name, profile.directories.processed);
    if (this.ctx.protection.kind === 'cms-detached' && profile.directories.afterIngest !== 'keep') {
      // the signature is archived with the file: it goes where the file goes
      const sig = `${name}.p7s`;
      await (profile.directories.afterIngest === 'delete' ? transport.remove(dir, sig) : transport.move(dir, sig, profile.directories.processed)).catch(() => undefined);
    }
    if (profile.inboundDoneSuffix && profile.directories.afterIngest !== 'keep') {
      await transport.remove(dir, `${name}${profile.inboundDoneSuffix}`).catch(() => undefined);
    }
    this.seen.delete(name);
  }
}
