/**
 * The SEPA (EPC) basic Latin character set and the usual transliteration into it. Letters with
 * umlauts become two letters (Müller -> Mueller, ß -> ss) as German banks do; other diacritics are
 * dropped (é -> e). What has no sensible equivalent is reported, never silently removed.
 */
const SEPA_CHAR = /^[A-Za-z0-9/\-?:().,'+ ]$/;

const SPECIAL: Readonly<Record<string, string>> = {
  Ä: 'Ae', Ö: 'Oe', Ü: 'Ue', ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', ẞ: 'SS',
  Æ: 'AE', æ: 'ae', Œ: 'OE', œ: 'oe', Ø: 'O', ø: 'o', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd', Ð: 'D', ð: 'd', Þ: 'TH', þ: 'th',
  ı: 'i', '&': '+', '\u2019': "'", '\u2018': "'", '\u2013': '-', '\u2014': '-', '\u00A0': ' ',
};

export const isSepaText = (s: string): boolean => [...s].every((c) => SEPA_CHAR.test(c));

export interface Transliteration {
  value: string;
  /** Characters that could not be mapped (left out of `value`). */
  unmappable: string[];
}

export function transliterateSepa(input: string): Transliteration {
  let value = '';
  const unmappable: string[] = [];
  for (const c of input) {
    if (SEPA_CHAR.test(c)) {
      value += c;
      continue;
    }
    const special = SPECIAL[c];
    if (special !== undefined) {
      value += special;
      continue;
    }
    // Decompose and drop combining marks: é -> e, ñ -> n, Å -> A.
    const base = c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    if (base.length > 0 && [...base].every((b) => SEPA_CHAR.test(b))) value += base;
    else unmappable.push(c);
  }
  return { value, unmappable };
}
