import { currencyExponent, isCurrency } from '../../domain/money.js';
import type { Finding } from '../errors.js';
import { sameDecimal } from '../money.js';
import { bicProblem, dateTimeProblem, ibanProblem, identifierProblem, uetrProblem } from './checks.js';
import { DATE_TIME_ELEMENTS, DATE_TIME_ELEMENTS_WITHIN, IDENTIFIER_ELEMENTS, IDENTIFIER_ELEMENTS_WITHIN } from './elements.generated.js';

/**
 * The rules that hold in every profile, checked on the XML itself: each finding has the line and
 * the element path (`Document/CstmrCdtTrfInitn/PmtInf/CdtTrfTxInf/PmtId/EndToEndId`), as XSD
 * findings do. Which elements are identifiers and date-times comes from the XSDs
 * (elements.generated.ts), so a message version added later is covered without code. Used by
 * `validate` on any file and by `build` on what it emits, so nothing leaves that `validate` refuses.
 * Values never appear in messages (an IBAN, a name): only what is wrong with them.
 */

const IDS = new Set(IDENTIFIER_ELEMENTS);
const DATE_TIMES = new Set(DATE_TIME_ELEMENTS);
const within = (table: Readonly<Record<string, readonly string[]>>) => new Map(Object.entries(table).map(([k, v]) => [k, new Set(v)]));
const IDS_WITHIN = within(IDENTIFIER_ELEMENTS_WITHIN);
const DATE_TIMES_WITHIN = within(DATE_TIME_ELEMENTS_WITHIN);

/**
 * Messages whose GrpHdr (and PmtInf) declare NbOfTxs/CtrlSum over their transactions: the
 * transaction element and the amount inside it the totals count.
 */
const TOTALS: Readonly<Record<string, { tx: string; amount: readonly string[] }>> = {
  CstmrCdtTrfInitn: { tx: 'CdtTrfTxInf', amount: ['Amt', 'InstdAmt'] },
  CstmrDrctDbtInitn: { tx: 'DrctDbtTxInf', amount: ['InstdAmt'] },
  FIToFICstmrCdtTrf: { tx: 'CdtTrfTxInf', amount: ['IntrBkSttlmAmt'] },
  FIToFICstmrDrctDbt: { tx: 'DrctDbtTxInf', amount: ['IntrBkSttlmAmt'] },
  PmtRtr: { tx: 'TxInf', amount: ['RtrdIntrBkSttlmAmt'] },
};

const localName = (q: string): string => q.slice(q.indexOf(':') + 1);
const DECIMAL = /^\d+(\.\d+)?$/;

export interface XmlRuleOptions {
  /** Stop after this many findings (a broken file of 100k transactions need not list them all). */
  maxFindings?: number;
}

/**
 * One open element. Paths are written as libxml2 writes them (and so as XSD findings are): an
 * element gets `[n]` only when its parent has more than one child of that name, which is known
 * when the parent closes, so findings keep their frames and paths are made at the end.
 */
interface Frame {
  name: string;
  ordinal: number;
  parent: Frame | undefined;
  counts?: Map<string, number>;
}

const pathOf = (f: Frame | undefined): string => {
  const parts: string[] = [];
  for (let x = f; x; x = x.parent) {
    const many = (x.parent?.counts?.get(x.name) ?? 1) > 1;
    parts.push(many ? `${x.name}[${x.ordinal}]` : x.name);
  }
  return parts.reverse().join('/');
};

export function checkXmlRules(xml: string, options: XmlRuleOptions = {}): Finding[] {
  const max = options.maxFindings ?? 1_000;
  const found: Array<{ code: string; message: string; frame: Frame | undefined; line: number }> = [];
  let top: Frame | undefined;
  let depth = 0;
  let text = '';
  let ccy: string | undefined;
  let root: string | undefined;
  let block = -1;
  let inBlock = false;
  let line = 1;
  const declared: Array<{ kind: 'NbOfTxs' | 'CtrlSum'; value: string; line: number; frame: Frame; block: number | undefined }> = [];
  /** Transaction amounts as written, with the block they are in. */
  const amounts: Array<{ value: string; block: number | undefined }> = [];
  const names: string[] = [];
  const add = (code: string, message: string | undefined, frame: Frame | undefined = top, at = line) => {
    if (message === undefined || found.length >= max) return;
    found.push({ code, message, frame, line: at });
  };

  const open = (qname: string, attrs: string, selfClosing: boolean) => {
    const name = localName(qname);
    const parent = top;
    let ordinal = 1;
    if (parent) {
      parent.counts ??= new Map();
      ordinal = (parent.counts.get(name) ?? 0) + 1;
      parent.counts.set(name, ordinal);
    }
    top = { name, ordinal, parent };
    depth += 1;
    names.push(name);
    text = '';
    ccy = undefined;
    if (attrs.includes('Ccy')) {
      const m = /(?:^|\s)(?:[\w.-]+:)?Ccy\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(attrs);
      if (m) ccy = m[1] ?? m[2];
    }
    if (depth === 2) root = name;
    if (name === 'PmtInf' && depth === 3) {
      block += 1;
      inBlock = true;
    }
    if (selfClosing) close(name);
  };

  const close = (name: string) => {
    const parent = top?.parent?.name ?? '';
    const v = text;
    if (IDS.has(name) || IDS_WITHIN.get(name)?.has(parent)) add('invalid_identifier', identifierProblem(v));
    if (DATE_TIMES.has(name) || DATE_TIMES_WITHIN.get(name)?.has(parent)) add('invalid_datetime', dateTimeProblem(v));
    if (name === 'IBAN') add('invalid_iban', ibanProblem(v));
    if (name === 'BICFI' || name === 'AnyBIC' || name === 'BIC') add('invalid_bic', bicProblem(v));
    if (name === 'UETR' || name === 'OrgnlUETR') add('invalid_uetr', uetrProblem(v));
    if (ccy !== undefined) {
      if (!isCurrency(ccy)) add('unknown_currency', `currency ${ccy} is not an ISO 4217 code`);
      else if (DECIMAL.test(v) && (v.split('.')[1] ?? '').replace(/0+$/, '').length > currencyExponent(ccy)) {
        add('currency_decimals', `${ccy} has ${currencyExponent(ccy)} decimals, the amount has more`);
      }
    }
    const totals = root !== undefined ? TOTALS[root] : undefined;
    if (totals && top) {
      // Document/<message>/GrpHdr/NbOfTxs and Document/<message>/PmtInf/NbOfTxs
      if ((name === 'NbOfTxs' || name === 'CtrlSum') && depth === 4 && (parent === 'GrpHdr' || parent === 'PmtInf')) {
        declared.push({ kind: name, value: v, line, frame: top, block: parent === 'PmtInf' ? block : undefined });
      }
      const a = totals.amount;
      if (name === a[a.length - 1]) {
        const tail = names.slice(-a.length - 1);
        if (tail[0] === totals.tx && a.every((n, i) => tail[i + 1] === n)) amounts.push({ value: v, block: inBlock ? block : undefined });
      }
    }
    if (name === 'PmtInf' && depth === 3) inBlock = false;
    top = top?.parent;
    depth -= 1;
    names.pop();
    text = '';
    ccy = undefined;
  };

  /** Newlines in xml[from, to): kept so every finding has its line. */
  const lines = (from: number, to: number) => {
    for (let k = xml.indexOf('\n', from); k >= 0 && k < to; k = xml.indexOf('\n', k + 1)) line++;
  };

  // A small tokenizer instead of a full XML parser: this pass runs on everything `build` emits
  // (100k-transaction files), and saxes costs as much again as the build. Well-formedness is not
  // its job (the XSD check and the parser report it); on a document that is not (a close tag that
  // does not match, an unterminated construct) it stops and returns what it found so far.
  const n = xml.length;
  let i = xml.indexOf('<');
  if (i > 0) lines(0, i);
  while (i >= 0 && i < n) {
    const c1 = xml.charCodeAt(i + 1);
    let end: number;
    if (c1 === 0x21 /* ! */) {
      if (xml.startsWith('<![CDATA[', i)) {
        end = xml.indexOf(']]>', i + 9);
        if (end < 0) break;
        text += xml.slice(i + 9, end);
        end += 2;
      } else {
        end = xml.startsWith('<!--', i) ? xml.indexOf('-->', i + 4) : xml.indexOf('>', i + 2);
        if (end < 0) break;
        if (xml.charCodeAt(end) === 0x2d) end += 2;
      }
    } else if (c1 === 0x3f /* ? */) {
      end = xml.indexOf('?>', i + 2);
      if (end < 0) break;
      end += 1;
    } else if (c1 === 0x2f /* / */) {
      end = xml.indexOf('>', i + 2);
      if (end < 0) break;
      const qname = xml.slice(i + 2, end).trim();
      if (top === undefined || localName(qname) !== top.name) break;
      close(top.name);
    } else {
      // an opening tag: its end is the first `>` outside a quoted attribute value
      let j = i + 1;
      let quote = 0;
      for (; j < n; j++) {
        const c = xml.charCodeAt(j);
        if (quote !== 0) {
          if (c === quote) quote = 0;
        } else if (c === 0x22 || c === 0x27) quote = c;
        else if (c === 0x3e) break;
      }
      if (j >= n) break;
      end = j;
      const selfClosing = xml.charCodeAt(end - 1) === 0x2f;
      const bodyEnd = selfClosing ? end - 1 : end;
      let k = i + 1;
      for (; k < bodyEnd; k++) {
        const c = xml.charCodeAt(k);
        if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) break;
      }
      if (k < bodyEnd) lines(i, end);
      open(xml.slice(i + 1, k), k < bodyEnd ? xml.slice(k, bodyEnd) : '', selfClosing);
    }
    const next = xml.indexOf('<', end + 1);
    const stop = next < 0 ? n : next;
    if (stop > end + 1) {
      const raw = xml.slice(end + 1, stop);
      lines(end + 1, stop);
      if (top !== undefined) text += raw.includes('&') ? decodeText(raw) : raw;
    }
    i = next;
  }
  const complete = top === undefined && i < 0;
  if (complete) {
    for (const d of declared) {
      const mine = d.block === undefined ? amounts : amounts.filter((x) => x.block === d.block);
      if (d.kind === 'NbOfTxs' && d.value !== String(mine.length)) add('inconsistent_totals', `NbOfTxs ${d.value}, the message holds ${mine.length} transaction(s)`, d.frame, d.line);
      if (d.kind === 'CtrlSum') {
        const sum = decimalSum(mine.map((x) => x.value));
        if (sum === undefined || !sameDecimal(d.value, sum)) add('inconsistent_totals', `CtrlSum ${d.value}, the transactions add up to ${sum ?? 'no number'}`, d.frame, d.line);
      }
    }
  }
  return found.map((f) => ({ severity: 'error', code: f.code, message: f.message, path: pathOf(f.frame), line: f.line }));
}

/** Entity references in text: the five XML ones and numeric ones; anything else is left as written. */
function decodeText(raw: string): string {
  return raw.replace(/&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/g, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name !== undefined) return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[name] ?? m;
    const cp = hex !== undefined ? parseInt(hex, 16) : parseInt(dec ?? '', 10);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

/** Sum of decimals as written, exact (bigint at the largest scale); undefined if one is not a decimal. */
function decimalSum(values: readonly string[]): string | undefined {
  let scale = 0;
  for (const v of values) {
    if (!DECIMAL.test(v)) return undefined;
    scale = Math.max(scale, (v.split('.')[1] ?? '').length);
  }
  let total = 0n;
  for (const v of values) {
    const [w = '0', f = ''] = v.split('.');
    total += BigInt(w + f.padEnd(scale, '0'));
  }
  const digits = total.toString().padStart(scale + 1, '0');
  return scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}
