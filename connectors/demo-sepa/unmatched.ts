import type { ConnectorEnv } from '../../src/connector/types.js';
import type { UnmatchedReport } from './inbound.js';

/** How many unmatched reports the connector keeps for its health detail (the notice has each one). */
export const UNMATCHED_KEPT = 100;

export interface KeptUnmatched extends UnmatchedReport {
  at: number;
  /** Whether the bank's signature on it verified; absent when signatures are off. */
  signed?: boolean;
}

/**
 * Reports the bank pushed that name no transaction we can find. Each one is announced as a
 * `connector.unmatched_report` notice (the server logs it for operators) and kept, bounded, for
 * the connector's health; the count never resets while the process runs, so a health check
 * between two looks still shows that something arrived.
 */
export class UnmatchedReports {
  private readonly kept: KeptUnmatched[] = [];
  private total = 0;

  constructor(
    private readonly connector: string,
    private readonly env: Pick<ConnectorEnv, 'clock' | 'notice'>,
  ) {}

  keep(r: UnmatchedReport, signed: boolean | undefined): void {
    const at = this.env.clock.now();
    this.kept.push({ ...r, at, ...(signed !== undefined ? { signed } : {}) });
    if (this.kept.length > UNMATCHED_KEPT) this.kept.shift();
    this.total += 1;
    const data: Record<string, string | number> = { message_type: r.messageType };
    if (r.messageId !== undefined) data.message_id = r.messageId;
    if (r.reference !== undefined) data.reference = r.reference;
    if (r.originalMessageId !== undefined) data.original_message_id = r.originalMessageId;
    if (r.groupStatus !== undefined) data.group_status = r.groupStatus;
    if (r.reason !== undefined) data.reason = r.reason;
    if (signed !== undefined) data.signed = signed ? 'verified' : 'failed';
    this.env.notice?.({ type: 'connector.unmatched_report', connector: this.connector, at, data });
  }

  get count(): number {
    return this.total;
  }

  list(): KeptUnmatched[] {
    return [...this.kept];
  }

  detail(): string {
    const last = this.kept[this.kept.length - 1];
    const what = last ? `; last ${last.messageType} ${last.messageId ?? last.reference ?? ''} at ${new Date(last.at).toISOString()}${last.groupStatus ? ` (${last.groupStatus}${last.reason ? ` ${last.reason}` : ''})` : ''}` : '';
    return `${this.total} status report(s) named no known transaction${what}`;
  }
}
