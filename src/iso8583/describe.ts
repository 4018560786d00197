/**
 * Human-readable dump of a field map for logs and the CLI. Sensitive values never appear: the PAN
 * keeps its first 6 and last 4 digits, track data, PIN blocks and CVV-bearing fields are wiped, and
 * fields the dialect does not define are not shown at all (nobody vouched for what they carry).
 */
import { Kind, Mask, type CompiledDialect, type CompiledField } from './compile.js';
import { isFieldObject } from './fields.js';
import { parseMti } from './mti.js';
import { tagOrder } from './tlv.js';

const CLASS: Readonly<Record<number, string>> = {
  1: 'authorization', 2: 'financial', 3: 'file action', 4: 'reversal/chargeback',
  5: 'reconciliation', 6: 'administrative', 7: 'fee collection', 8: 'network management',
};
const FUNCTION: Readonly<Record<number, string>> = {
  0: 'request', 1: 'request response', 2: 'advice', 3: 'advice response', 4: 'notification',
  5: 'notification acknowledgement', 6: 'instruction', 7: 'instruction acknowledgement',
};

export const maskPan = (pan: string): string =>
  pan.length > 10 ? `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}` : '*'.repeat(pan.length);

const WIPED = '[wiped]';

const show = (mask: Mask, v: string): string => (mask === Mask.Pan ? maskPan(v) : mask === Mask.Wipe ? WIPED : v);

const describeValue = (f: CompiledField, v: unknown, path: string, indent: string, lines: string[]): void => {
  const label = `${indent}${path.padEnd(10)} ${f.name}`;
  if (f.mask === Mask.Wipe) {
    lines.push(`${label}: ${WIPED}`);
    return;
  }
  if (f.kind === Kind.Plain) {
    lines.push(`${label}: ${typeof v === 'string' ? show(f.mask, v) : '[not a string]'}`);
    return;
  }
  if (!isFieldObject(v)) {
    lines.push(`${label}: [not an object]`);
    return;
  }
  lines.push(`${label}:`);
  const inner = `${indent}  `;
  if (f.kind === Kind.Tlv) {
    for (const tag of tagOrder(v)) {
      const tv = v[tag];
      if (tv === undefined) continue;
      const t = f.tags.get(tag);
      const name = t !== undefined && t.name !== '' ? t.name : 'unnamed tag';
      const text = typeof tv === 'string' ? show(t?.mask ?? Mask.None, tv) : '[not a string]';
      lines.push(`${inner}${`${path}.${tag}`.padEnd(10)} ${name}: ${text}`);
    }
    return;
  }
  for (const [k, sv] of Object.entries(v)) {
    const sf = f.subByKey.get(k);
    if (sf === undefined) lines.push(`${inner}${`${path}.${k}`.padEnd(10)} [not in dialect]`);
    else describeValue(sf, sv, `${path}.${k}`, inner, lines);
  }
};

export const describeFields = (d: CompiledDialect, fields: Readonly<Record<string, unknown>>): string => {
  const lines: string[] = [];
  const mti = fields['0'];
  if (typeof mti === 'string' && /^[0-9]{4}$/.test(mti)) {
    const p = parseMti(mti);
    const cls = CLASS[p.messageClass] ?? `class ${p.messageClass}`;
    const fn = FUNCTION[p.messageFunction] ?? `function ${p.messageFunction}`;
    lines.push(`MTI ${mti} (ISO 8583:${p.version}, ${cls} ${fn}) dialect ${d.definition.name}`);
  } else {
    lines.push(`MTI [missing or invalid] dialect ${d.definition.name}`);
  }
  const keys = Object.keys(fields)
    .filter((k) => k !== '0' && fields[k] !== undefined)
    .sort((a, b) => Number(a) - Number(b));
  for (const k of keys) {
    const f = d.byKey.get(k);
    if (f === undefined) lines.push(`  ${k.padEnd(10)} [not in dialect]`);
    else describeValue(f, fields[k], k, '  ', lines);
  }
  return lines.join('\n');
};
