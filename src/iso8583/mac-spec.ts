/**
 * The MAC part of a dialect: which messages carry a MAC, in which field, with which algorithm, and
 * the NAME of the key. Key material never lives in a dialect file (dialects are shipped, shared and
 * diffed); the name is resolved against configuration when a link is built.
 */
import type { DialectDefinition, MacSpecDefinition } from './dialect-types.js';
import type { DialectIssue } from './errors.js';
import type { FieldMap } from './fields.js';

export type { MacSpecDefinition };

const VERSION_DIGIT: Readonly<Record<DialectDefinition['version'], string>> = { '1987': '0', '1993': '1', '2003': '2' };

/** True when `mti` matches a pattern of four characters, `x` standing for any digit. */
const mtiMatches = (pattern: string, mti: string): boolean => {
  if (mti.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const p = pattern.charCodeAt(i);
    if (p !== 0x78 && p !== mti.charCodeAt(i)) return false;
  }
  return true;
};

/**
 * Whether a message carries a MAC under `spec`. Network management messages (x8xx) are link
 * control and carry one only for the codes listed (DE70 in 1987, DE24 in 1993), since some of them (a status inquiry)
 * decide where money goes while sign-on and echo do not.
 */
export function macCovers(spec: Pick<MacSpecDefinition, 'messages' | 'networkCodes'>, fields: Readonly<FieldMap>, networkCodeField = '70'): boolean {
  const mti = typeof fields['0'] === 'string' ? fields['0'] : '';
  if (mti[1] === '8') {
    const code = fields[networkCodeField];
    return typeof code === 'string' && (spec.networkCodes ?? []).includes(code);
  }
  return spec.messages.some((p) => mtiMatches(p, mti));
}

const macFieldOk = (def: DialectDefinition, n: '64' | '128'): boolean => {
  const f = def.fields[n];
  return f !== undefined && f.type === 'b' && f.length === 8 && f.prefix === undefined && f.composite === undefined && (f.encoding ?? 'binary') === 'binary';
};

/** Consistency rules the JSON Schema cannot say; each issue names the offending path. */
export function checkMacSpec(def: DialectDefinition): DialectIssue[] {
  const spec = def.mac;
  if (spec === undefined) return [];
  const issues: DialectIssue[] = [];
  const wanted: ('64' | '128')[] = spec.field === '64-or-128' ? ['64', '128'] : [spec.field];
  for (const n of wanted) {
    if (!macFieldOk(def, n)) issues.push({ path: 'mac.field', message: `the MAC goes in DE${n}, so fields.${n} must be fixed binary, type b, length 8` });
  }
  if (spec.field === '128' && def.bitmap.tertiary === true) {
    issues.push({ path: 'mac.field', message: 'DE128 is not the last field of a dialect with a tertiary bitmap' });
  }
  const version = VERSION_DIGIT[def.version];
  spec.messages.forEach((p, i) => {
    if (p[0] !== 'x' && p[0] !== version) issues.push({ path: `mac.messages.${i}`, message: `MTI pattern is for another ISO 8583 version (this dialect is ${def.version})` });
    if (p[1] === '8') issues.push({ path: `mac.messages.${i}`, message: 'network management messages are selected by mac.networkCodes' });
  });
  if (spec.algorithm !== 'retail-3des' && spec.padding !== undefined) {
    issues.push({ path: 'mac.padding', message: 'padding applies to retail-3des only (CMAC pads by its own rule)' });
  }
  return issues;
}
