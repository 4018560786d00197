/** Single-value checks the XSD does not make. Each returns an explanation or undefined. */

/** ISO 13616 mod-97 check (also catches a wrong length per the checksum). */
export function ibanProblem(iban: string): string | undefined {
  if (!/^[A-Z]{2}[0-9]{2}[A-Z0-9]{1,30}$/.test(iban)) return 'IBAN must be 2 upper-case letters, 2 check digits and up to 30 letters or digits, without spaces';
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of rearranged) {
    const v = ch >= 'A' && ch <= 'Z' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rem = (rem * 10 + Number(d)) % 97;
  }
  return rem === 1 ? undefined : 'IBAN check digits are wrong (mod-97)';
}

export function bicProblem(bic: string): string | undefined {
  if (/^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic)) return undefined;
  if (/^[A-Z0-9]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic.toUpperCase())) return 'BIC must be upper case';
  return 'not a BIC (8 or 11 characters)';
}

const UUID_V4 = /^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$/;

export function uetrProblem(uetr: string): string | undefined {
  if (UUID_V4.test(uetr)) return undefined;
  if (UUID_V4.test(uetr.toLowerCase())) return 'UETR must be lower case';
  return 'UETR must be a UUID version 4';
}

export function dateTimeProblem(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?/.test(value)) return 'not an ISO date-time';
  return /(Z|[+-]\d{2}:\d{2})$/.test(value) ? undefined : 'date-time needs an explicit offset (Z or +hh:mm)';
}

/** References that travel end to end: EPC forbids a leading or trailing slash and a double slash. */
export function identifierProblem(id: string): string | undefined {
  if (id.length === 0) return 'identifier is empty';
  if (id.length > 35) return `identifier is ${id.length} characters, at most 35`;
  if (id.startsWith('/')) return 'identifier must not start with "/"';
  if (id.endsWith('/')) return 'identifier must not end with "/"';
  if (id.includes('//')) return 'identifier must not contain "//"';
  return undefined;
}
