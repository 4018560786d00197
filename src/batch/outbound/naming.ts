import { localParts } from '../calendar/index.js';

/**
 * Outbound file names from a per-bank template such as `{bank}_pain001_{date}_{time}_{seq:6}.xml`.
 *
 * Placeholders: `{bank}` (the bank id), `{date}` (YYYYMMDD) and `{time}` (HHmmss) in the bank's
 * local time, `{seq}` / `{seq:N}` (the caller's durable sequence number, zero-padded to N digits,
 * never truncated: a longer number is written in full so names keep differing), `{msgid}` (the
 * file's MsgId).
 *
 * A name must never repeat (a bank may silently drop or overwrite a second file of the same name),
 * and a time-based name repeats for two files in one second: so a template needs `{seq}` or
 * `{msgid}`. Names land on a remote file system, so they may hold only `[A-Za-z0-9._-]`, never `..`
 * and never a leading dot; the template's literal text is checked once, and every value put in is
 * checked again at render time.
 */
export interface FileNameVars {
  bank: string;
  /** The instant the file is made, epoch ms. */
  at: number;
  /** The bank's IANA time zone, for `{date}` and `{time}`. */
  timeZone: string;
  /** Strictly increasing and durable per bank (stored before the file is sent). */
  seq: number | bigint;
  messageId: string;
}

export class FileNameError extends Error {
  override readonly name = 'FileNameError';
  constructor(
    readonly code: 'unknown_placeholder' | 'not_unique' | 'unsafe_character' | 'unsafe_path' | 'bad_value' | 'too_long',
    message: string,
  ) {
    super(message);
  }
}

type Token = { literal: string } | { name: 'bank' | 'date' | 'time' | 'msgid' } | { name: 'seq'; width: number };

const SAFE_LITERAL = /^[A-Za-z0-9._-]*$/;
/** Values never contain a dot, so `..` and a leading dot can only come from literal text. */
const SAFE_VALUE = /^[A-Za-z0-9_-]+$/;
const MAX_NAME = 255;
const MAX_SEQ_WIDTH = 20;

function tokenize(template: string): Token[] {
  const tokens: Token[] = [];
  const re = /\{([^{}]*)\}/g;
  let last = 0;
  for (let m = re.exec(template); m !== null; m = re.exec(template)) {
    if (m.index > last) tokens.push({ literal: template.slice(last, m.index) });
    last = m.index + m[0].length;
    const body = m[1] ?? '';
    const seq = /^seq(?::(\d{1,2}))?$/.exec(body);
    if (seq) {
      const width = seq[1] === undefined ? 0 : Number(seq[1]);
      if (width > MAX_SEQ_WIDTH) throw new FileNameError('unknown_placeholder', `{seq:N} takes N up to ${MAX_SEQ_WIDTH}, got ${width}`);
      tokens.push({ name: 'seq', width });
    } else if (body === 'bank' || body === 'date' || body === 'time' || body === 'msgid') tokens.push({ name: body });
    else throw new FileNameError('unknown_placeholder', `unknown placeholder {${body}} (use {bank}, {date}, {time}, {seq}, {seq:N}, {msgid})`);
  }
  if (last < template.length) tokens.push({ literal: template.slice(last) });
  return tokens;
}

/** Checks a template at configuration time; returns it unchanged or throws `FileNameError`. */
export function validateNameTemplate(template: string): string {
  if (typeof template !== 'string' || template.length === 0) throw new FileNameError('bad_value', 'the file name template is empty');
  const tokens = tokenize(template);
  for (const t of tokens) {
    if ('literal' in t && !SAFE_LITERAL.test(t.literal)) {
      const bad = [...t.literal].find((c) => !SAFE_LITERAL.test(c)) ?? '';
      throw new FileNameError(bad === '/' || bad === '\\' ? 'unsafe_path' : 'unsafe_character', `the template contains "${bad}"; only A-Z a-z 0-9 . _ - are allowed`);
    }
    if ('literal' in t && t.literal.includes('..')) throw new FileNameError('unsafe_path', 'the template contains ".."');
  }
  const first = tokens[0];
  if (first && 'literal' in first && first.literal.startsWith('.')) throw new FileNameError('unsafe_path', 'a file name must not start with a dot');
  if (!tokens.some((t) => 'name' in t && (t.name === 'seq' || t.name === 'msgid'))) {
    throw new FileNameError('not_unique', 'the template needs {seq} or {msgid}: two files in the same second would otherwise get the same name');
  }
  return template;
}

const two = (n: number) => String(n).padStart(2, '0');

function seqText(seq: number | bigint, width: number): string {
  if (typeof seq === 'number' && !Number.isSafeInteger(seq)) throw new FileNameError('bad_value', `seq must be an integer, got ${seq}`);
  if (seq < 0) throw new FileNameError('bad_value', `seq must not be negative, got ${seq}`);
  return seq.toString().padStart(width, '0');
}

function value(name: string, v: string): string {
  if (!SAFE_VALUE.test(v)) throw new FileNameError('bad_value', `{${name}} value "${v}" may hold only A-Z a-z 0-9 _ - in a file name`);
  return v;
}

/** The file name for one file. Validates the template, so a bad one never reaches a server. */
export function renderFileName(template: string, vars: FileNameVars): string {
  validateNameTemplate(template);
  const p = localParts(vars.at, vars.timeZone);
  const out = tokenize(template)
    .map((t) => {
      if ('literal' in t) return t.literal;
      switch (t.name) {
        case 'bank':
          return value('bank', vars.bank);
        case 'date':
          return `${String(p.year).padStart(4, '0')}${two(p.month)}${two(p.day)}`;
        case 'time':
          return `${two(p.hour)}${two(p.minute)}${two(p.second)}`;
        case 'seq':
          return seqText(vars.seq, t.width);
        case 'msgid':
          return value('msgid', vars.messageId);
      }
    })
    .join('');
  if (out.length > MAX_NAME) throw new FileNameError('too_long', `the file name is ${out.length} characters, at most ${MAX_NAME}`);
  return out;
}
