import { declined, neverReceived, pending, type Outcome } from '../connector/outcome.js';
import type { ConnectorReport, FlowRequest } from '../connector/types.js';
import type { Clock } from '../domain/clock.js';
import type { Logger } from '../log.js';
import type { Store } from '../store/types.js';
import { nextCutoff, type CalendarSpec } from './calendar/index.js';
import { runCutoff, type CutoffRun } from './cutoff-run.js';
import { InboundPoller, type PollResult } from './inbound/poller.js';
import type { PublishEvent } from './inbound/publish.js';
import { validateQueuedTransfer } from './outbound/index.js';
import { itemOutcome } from './outcomes.js';
import type { BatchProfile } from './profile.js';
import type { InboundProtection, OutboundProtection } from './protect/index.js';
import { itemFromRequest } from './queue.js';
import { BatchRecords, type BatchItem } from './records.js';
import type { FileTransport } from './transport/index.js';
import { uploadBuiltFiles, type UploadResult } from './upload.js';

export interface BatchRailOptions {
  connector: string;
  store: Store;
  profile: BatchProfile;
  transport: FileTransport;
  clock: Clock;
  /** Tells the engine what the bank said (a status report, a file given up). */
  report: (r: ConnectorReport) => void;
  protection?: { outbound: OutboundProtection; inbound: InboundProtection };
  publish?: PublishEvent;
  log?: Logger;
}

export interface TickResult {
  cutoff: CutoffRun | null;
  upload: UploadResult | null;
  poll: PollResult | null;
}

/**
 * One bank's batch channel: transfers queue until their cut-off, go out in files, and settle when
 * the bank's files come back. The durable truth is in the store (src/batch/records.ts); the engine
 * is told of every change at once, and may ask at any time (`inquire`) from the same records, so a
 * report lost in a crash costs a poll interval, never an outcome.
 */
export class BatchRail {
  readonly records: BatchRecords;
  readonly calendar: CalendarSpec;
  readonly profile: BatchProfile;
  private readonly poller: InboundPoller;
  private lastPoll = Number.NEGATIVE_INFINITY;
  private loop: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  private lastError: { at: number; kind: string; message: string } | null = null;
  private lastTick: number | null = null;

  constructor(private readonly o: BatchRailOptions) {
    this.records = new BatchRecords(o.store, o.connector);
    this.profile = o.profile;
    this.calendar = o.profile.calendar;
    this.poller = new InboundPoller({
      records: this.records,
      profile: o.profile,
      calendar: this.calendar,
      protection: this.protection.inbound,
      transport: o.transport,
      publish: o.publish,
    });
  }

  private get protection(): { outbound: OutboundProtection; inbound: InboundProtection } {
    return this.o.protection ?? { outbound: { kind: 'none' }, inbound: { kind: 'none' } };
  }

  /** The transfer or refund joins the queue of its cut-off; repeating a reference returns the stored item. */
  async enqueue(req: FlowRequest, flow: 'transfer' | 'refund'): Promise<Outcome> {
    const now = this.o.clock.now();
    const cutoff = nextCutoff(now, this.calendar);
    const item = itemFromRequest(req, flow, this.o.profile, this.o.connector, now, cutoff);
    if ('problem' in item) return declined('invalid_request', `${item.field}: ${item.problem}`);
    const problem = validateQueuedTransfer(
      { paymentId: item.aggregateId, endToEndId: item.endToEndId, uetr: item.uetr, amount: item.amount, currency: item.currency, ...item.transfer, executionDate: item.executionDate },
      this.o.profile.rules,
    );
    if (problem) return declined('invalid_transfer', `${problem.field}: ${problem.message}`);
    const stored = await this.records.transaction((db) => this.records.enqueue(db, item));
    return stored.item.status === 'queued' ? pending() : itemOutcome(stored.item);
  }

  /** What our records say of a reference: nothing queued means nothing was ever sent. */
  async inquire(reference: string): Promise<Outcome> {
    const item = await this.records.item(reference);
    // Proof nothing was sent: the engine may queue it again under the same reference.
    if (!item) return neverReceived('the transfer never reached the batch queue; nothing was sent');
    return itemOutcome(item);
  }

  async runCutoff(now = this.o.clock.now(), opts: { all?: boolean } = {}): Promise<CutoffRun> {
    const run = await runCutoff({ records: this.records, profile: this.o.profile, calendar: this.calendar, protection: this.protection.outbound }, now, opts);
    this.tell(run.rejected);
    return run;
  }

  async upload(now = this.o.clock.now()): Promise<UploadResult> {
    const result = await uploadBuiltFiles({ records: this.records, profile: this.o.profile, transport: this.o.transport }, now);
    for (const f of result.failed) this.noteError(now, f.kind, `upload of ${f.name} failed`);
    for (const n of result.awaitingBank) this.noteError(now, 'awaiting_bank', `file ${n} may have reached the bank and is nowhere to be seen: waiting for its status report, not sent again`);
    this.tell(result.notSent);
    return result;
  }

  async poll(now = this.o.clock.now()): Promise<PollResult> {
    this.lastPoll = now;
    const result = await this.poller.poll(now);
    this.tell(result.touched);
    for (const f of result.problems) this.noteError(now, f.detail?.split(':')[0] ?? 'inbound', `bank file ${f.name} left in place (${f.detail ?? ''})`);
    return result;
  }

  /** One round of the worker: a due cut-off, then uploads, then (every poll interval) the bank's files. */
  async tick(): Promise<TickResult> {
    const now = this.o.clock.now();
    this.lastTick = now;
    const out: TickResult = { cutoff: null, upload: null, poll: null };
    try {
      out.cutoff = await this.runCutoff(now);
      out.upload = await this.upload(now);
      if (now - this.lastPoll >= this.o.profile.pollIntervalMs) out.poll = await this.poll(now);
      if (out.upload.failed.length === 0 && out.poll !== null && out.poll.problems.length === 0) this.lastError = null;
    } catch (err) {
      this.noteError(now, errorKind(err), err instanceof Error ? err.message : String(err));
    }
    return out;
  }

  start(): void {
    if (this.loop) return;
    const signal = this.stopping.signal;
    this.loop = (async () => {
      while (!signal.aborted) {
        await this.tick();
        await this.o.clock.sleep(this.o.profile.tickMs, signal).catch(() => undefined);
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.loop = null;
    await this.o.transport.close();
  }

  health(): { ok: boolean; detail?: string } {
    if (!this.lastError) return { ok: true, ...(this.lastTick !== null ? { detail: `last round ${new Date(this.lastTick).toISOString()}` } : {}) };
    return { ok: false, detail: `${this.lastError.kind}: ${this.lastError.message} (${new Date(this.lastError.at).toISOString()})` };
  }

  private noteError(at: number, kind: string, message: string): void {
    this.lastError = { at, kind, message };
    this.o.log?.warn({ connector: this.o.connector, kind }, `batch rail: ${message}`);
  }

  private tell(items: readonly BatchItem[]): void {
    for (const item of items) this.o.report({ flow: item.flow, reference: item.reference, outcome: itemOutcome(item) });
  }
}

function errorKind(err: unknown): string {
  if (typeof err === 'object' && err !== null && 'kind' in err && typeof (err as { kind: unknown }).kind === 'string') return (err as { kind: string }).kind;
  return 'internal';
}
