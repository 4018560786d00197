/**
 * Pure mapping between the engine's flow requests and demo-card ISO 8583 messages. No sockets,
 * no clocks: everything time-dependent comes in as an argument.
 *
 * STAN (DE11) and transmission time (DE7) are functions of the engine's stable reference (the
 * command id, a ULID): DE11 is six digits of SHA-256(reference), DE7 the ULID's creation time. So
 * a reversal, a completion or a refund rebuilds DE90 of its original from the original's
 * reference alone, after a restart too, with no table to keep. Two requests in flight whose STANs
 * collide are never both sent: the link refuses the second (same match key) before it leaves, the
 * flow answers `not_sent`, and the engine retries under a new reference (a new STAN).
 */
import { createHash } from 'node:crypto';
import { declined, integrityFailure, ok, unknown, type Outcome } from '../../src/connector/outcome.js';
import type { FlowName, FlowRequest } from '../../src/connector/types.js';
import { idTime } from '../../src/domain/ids.js';
import type { FieldMap } from '../../src/iso8583/index.js';
import { transmissionTime, type LinkReply } from '../../src/iso8583/link/index.js';
import { classifyCode } from './codes.js';
import { CURRENCY_ALPHA, CURRENCY_NUMERIC } from './currency.js';

export type CardFlow = 'verify' | 'authorize' | 'transfer' | 'reverse' | 'refund';

/**
 * `dual`: pre-authorisation (0100) then completion (0220). `single`: the transfer is one 0200
 * financial request that authorises and captures at once.
 */
export type MessageMode = 'dual' | 'single';

export interface MappingConfig {
  /** DE41, 8 characters. */
  terminalId: string;
  /** DE32, up to 11 digits. */
  acquirerId: string;
  /** `0400`, or `0420` where the dialect reverses by advice. */
  reversalMti: string;
  /** DE39 values of a reversal response that mean it is done (the dialect's list). */
  acceptedReversalCodes: readonly string[];
  /** Absent means `dual`. */
  messageMode?: MessageMode;
  /**
   * Host profile: a repeat (0401, 0421, 0101, 0221, 0201) carries the time it is sent in DE7
   * instead of the original's. Absent or false: the repeat is the original with the repeat MTI.
   */
  repeatRefreshesTransmissionTime?: boolean;
}

export class MappingError extends Error {
  override readonly name = 'MappingError';
}

export function stanOf(reference: string): string {
  const h = createHash('sha256').update(reference).digest();
  return String(h.readUInt32BE(0) % 1_000_000).padStart(6, '0');
}

/** DE7 of a request: the creation time carried by its reference, so repeats keep it. */
export function transmissionOf(reference: string, now: number): string {
  const t = /^[a-z]{2,4}_[0-9A-HJKMNP-TV-Z]{26}$/.test(reference) ? idTime(reference) : Number.NaN;
  return transmissionTime(Number.isFinite(t) ? t : now);
}

const MTI_OF: Readonly<Record<MessageMode, Readonly<Record<Exclude<CardFlow, 'reverse'>, string>>>> = {
  dual: { verify: '0100', authorize: '0100', transfer: '0220', refund: '0200' },
  single: { verify: '0100', authorize: '0100', transfer: '0200', refund: '0200' },
};

/** The MTI a flow's request was sent with (what DE90.1 of a reversal names). */
export function originalMtiOf(flow: FlowName, mode: MessageMode = 'dual'): string {
  return flow === 'verify' || flow === 'authorize' || flow === 'transfer' || flow === 'refund' ? MTI_OF[mode][flow] : '0100';
}

/**
 * A request sent again under its own STAN and DE7 (the host said it never received it): the
 * repeat MTI (0101, 0221, 0201) tells the host it may have seen this one already.
 */
export const repeatMti = (mti: string, repeat: boolean): string => (repeat ? `${mti.slice(0, 3)}1` : mti);

/** 0400/0420, or their repeats 0401/0421 when the engine sends a reversal again. */
export const reversalMti = (cfg: MappingConfig, repeat: boolean): string => (repeat ? `${cfg.reversalMti.slice(0, 3)}1` : cfg.reversalMti);

export const printable = (s: string, len: number): string => s.replace(/[^\x20-\x7E]/g, '?').slice(0, len).padEnd(len, ' ');
const amount12 = (n: number): string => {
  if (!Number.isSafeInteger(n) || n < 0 || n > 999_999_999_999) throw new MappingError('amount does not fit DE4');
  return String(n).padStart(12, '0');
};

export function originalData(flow: FlowName, reference: string, cfg: MappingConfig, now: number): FieldMap {
  return {
    '1': originalMtiOf(flow, cfg.messageMode),
    '2': stanOf(reference),
    '3': transmissionOf(reference, now),
    '4': cfg.acquirerId.padStart(11, '0'),
    '5': '0'.repeat(11),
  };
}

/**
 * The request message of one flow. `authReference` is the authorisation a completion refers to,
 * when the connector knows it; the host also finds it by the payment id (DE127.4).
 */
export function buildRequest(flow: CardFlow, req: FlowRequest, cfg: MappingConfig, now: number, authReference?: string): FieldMap {
  if (req.method.type !== 'card') throw new MappingError('demo-card takes cards only');
  const currency = CURRENCY_NUMERIC[req.currency];
  if (currency === undefined) throw new MappingError('currency not cleared by the demo network');
  const m = req.method;
  const fields: FieldMap = {
    '0': flow === 'reverse' ? reversalMti(cfg, req.repeat === true) : repeatMti(MTI_OF[cfg.messageMode ?? 'dual'][flow], req.repeat === true),
    '2': m.number.reveal(),
    '3': flow === 'refund' ? '200000' : '000000',
    '4': amount12(flow === 'verify' ? 0 : req.amount),
    // A repeat keeps the original's STAN and data; DE7 too unless the host profile wants it fresh.
    '7': req.repeat === true && cfg.repeatRefreshesTransmissionTime === true ? transmissionTime(now) : transmissionOf(req.reference, now),
    '11': stanOf(req.reference),
    '14': `${String(m.expYear % 100).padStart(2, '0')}${String(m.expMonth).padStart(2, '0')}`,
    '32': cfg.acquirerId,
    '41': printable(cfg.terminalId, 8),
    '42': printable(req.merchant.id, 15),
    '43': printable(req.merchant.name, 40),
    '49': currency,
    '127': { '2': req.reference, '4': req.paymentId },
  };
  if (flow === 'reverse' || flow === 'refund') {
    if (!req.original) throw new MappingError(`${flow} needs the original request`);
    fields['90'] = originalData(req.original.flow, req.original.reference, cfg, now);
  } else if (flow === 'transfer' && authReference !== undefined && cfg.messageMode !== 'single') {
    fields['90'] = originalData('authorize', authReference, cfg, now);
  }
  return fields;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The normalised outcome of a reply. A reply whose MAC fails is never an approval. */
export function readReply(flow: CardFlow, reply: LinkReply, cfg: MappingConfig): Outcome {
  const code = str(reply.fields['39']);
  const rrn = str(reply.fields['37']).trim();
  const evidence = { de39: code, mac: reply.integrity };
  // Not the host's answer (anyone on the path could have written it), whatever its DE39 says.
  if (reply.integrity === 'failed') return integrityFailure(`${flow} reply failed its MAC check`, evidence);
  if (flow === 'reverse') {
    // 25 on a reversal: the host never received the original, so nothing was there to undo.
    if (cfg.acceptedReversalCodes.includes(code)) return ok({ integrity: reply.integrity, evidence, ...(code === '25' ? { originalNeverReceived: true as const } : {}) });
    const c = classifyCode(code);
    return c.class === 'declined' ? declined(code, c.reason) : unknown(true, c.reason);
  }
  const c = classifyCode(code);
  if (c.class === 'declined') return declined(code, c.reason);
  if (c.class === 'unknown') return unknown(false, `${c.reason} (${code === '' ? 'no DE39' : code})`);
  const confirmed: { amount?: number; currency?: string } = {};
  if (flow === 'authorize' || flow === 'transfer') {
    const amt = str(reply.fields['4']);
    if (amt !== '') confirmed.amount = Number(amt);
    const cur = CURRENCY_ALPHA[str(reply.fields['49'])];
    if (cur !== undefined) confirmed.currency = cur;
  }
  return ok({
    ...(rrn !== '' ? { bankReference: rrn } : {}),
    ...(Object.keys(confirmed).length > 0 ? { confirmed } : {}),
    integrity: reply.integrity,
    evidence,
  });
}
