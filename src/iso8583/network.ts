/**
 * Network management (sign-on, sign-off, echo, key change) as the dialect's version of the
 * standard spells it. ISO 8583:1987 says it with MTI 0800/0810 and a network management
 * information code in DE70 (001, 002, 301, 161), answered with DE39 `00`; ISO 8583:1993 with
 * 1804/1814 and a function code in DE24 (801, 802, 831, 811), answered with action code `800`.
 * A dialect may override any of it under `network` (a host with private codes).
 */
import type { DialectDefinition, NetworkDefinition } from './dialect-types.js';
import type { FieldMap } from './fields.js';

export type NetworkFunction = 'signOn' | 'signOff' | 'echo' | 'keyChange';

export interface NetworkProfile {
  /** The request MTI we send and the MTIs of host requests we answer. */
  readonly requestMti: string;
  readonly responseMti: string;
  /** The field naming the function: DE70 (1987) or DE24 (1993). */
  readonly codeField: string;
  readonly codes: Readonly<Record<NetworkFunction, string>>;
  /** DE39 of an approved network request. */
  readonly approved: string;
  /** DE39 for a network request the link does not support ("requested function not supported"). */
  readonly notSupported: string;
}

const ISO87: NetworkProfile = {
  requestMti: '0800',
  responseMti: '0810',
  codeField: '70',
  codes: { signOn: '001', signOff: '002', echo: '301', keyChange: '161' },
  approved: '00',
  // Response code 40: "requested function not supported".
  notSupported: '40',
};

const ISO93: NetworkProfile = {
  requestMti: '1804',
  responseMti: '1814',
  codeField: '24',
  codes: { signOn: '801', signOff: '802', echo: '831', keyChange: '811' },
  approved: '800',
  // Action code 115: "requested function not supported".
  notSupported: '115',
};

const ISO03: NetworkProfile = { ...ISO93, requestMti: '2804', responseMti: '2814' };

const BY_VERSION: Record<DialectDefinition['version'], NetworkProfile> = { '1987': ISO87, '1993': ISO93, '2003': ISO03 };

export function networkProfile(def: Pick<DialectDefinition, 'version' | 'network'>): NetworkProfile {
  const base = BY_VERSION[def.version];
  const o: NetworkDefinition | undefined = def.network;
  if (!o) return base;
  return {
    requestMti: o.requestMti ?? base.requestMti,
    responseMti: o.responseMti ?? base.responseMti,
    codeField: o.codeField ?? base.codeField,
    codes: { ...base.codes, ...o.codes },
    approved: o.approved ?? base.approved,
    notSupported: o.notSupported ?? base.notSupported,
  };
}

/** Whether `mti` is a network management request (x800 or x804) of this profile's version. */
export const isNetworkRequest = (p: NetworkProfile, mti: string): boolean =>
  mti === p.requestMti || (mti.length === 4 && mti[0] === p.requestMti[0] && mti[1] === '8' && mti[2] === '0');

/** The function a host's network request asks for, or undefined for a code this link does not know. */
export function networkFunctionOf(p: NetworkProfile, fields: Readonly<FieldMap>): NetworkFunction | undefined {
  const code = fields[p.codeField];
  if (typeof code !== 'string') return undefined;
  return (Object.keys(p.codes) as NetworkFunction[]).find((f) => p.codes[f] === code);
}

/** The response MTI to a host request: the request's with its function digit + 1 (1804 -> 1814, 0800 -> 0810). */
export const responseMtiOf = (mti: string): string => `${mti.slice(0, 2)}${String(Number(mti[2] ?? '0') + 1)}${mti[3] ?? '0'}`;
