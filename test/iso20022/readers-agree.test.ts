import { describe, expect, it } from 'vitest';
import { iso20022Command } from '../../src/cli/iso20022.js';
import {
  build,
  DEFAULT_MAX_DEPTH,
  Iso20022Error,
  Iso20022LimitError,
  parse,
  streamCamt053,
  streamPain002,
  type Finding,
} from '../../src/iso20022/index.js';
import { camt053Full, pain002Full } from './fixtures.js';

/**
 * Robustness (issue 14 item 5): the tree reader (`parse`) and the streaming readers accept and
 * refuse the same inputs. One corpus of variants of a camt.053 and a pain.002 runs through both;
 * each reader's verdict is `accepted` (with any warnings' codes) or the refusing error's code.
 */

type Verdict = { accepted: true; warnings: string[] } | { accepted: false; code: string };

async function* chunks(s: string): AsyncGenerator<string> {
  // small pieces, so a limit or a bad byte is met in the middle of a chunk boundary too
  for (let i = 0; i < s.length; i += 4096) yield s.slice(i, i + 4096);
}

const codesOf = (w: Finding[] | undefined): string[] => (w ?? []).map((f) => f.code);

function treeVerdict(xml: string, maxDepth?: number): Verdict {
  try {
    const r = parse(xml, maxDepth !== undefined ? { maxDepth } : {});
    return { accepted: true, warnings: codesOf(r.warnings) };
  } catch (e) {
    if (!(e instanceof Iso20022Error)) throw e;
    return { accepted: false, code: e.code };
  }
}

async function streamVerdict(kind: 'camt053' | 'pain002', xml: string, maxDepth?: number): Promise<Verdict> {
  const opts = maxDepth !== undefined ? { maxDepth } : {};
  const warnings: string[] = [];
  try {
    const events = kind === 'camt053' ? streamCamt053(chunks(xml), opts) : streamPain002(chunks(xml), opts);
    for await (const ev of events) {
      if ('warnings' in ev) warnings.push(...codesOf(ev.warnings));
    }
    return { accepted: true, warnings };
  } catch (e) {
    if (!(e instanceof Iso20022Error)) throw e;
    return { accepted: false, code: e.code };
  }
}

const deep = (ns: string, levels: number): string => `<Document xmlns="${ns}">${'<a>'.repeat(levels)}${'</a>'.repeat(levels)}</Document>`;

function corpus(base: string, ns: string, body: string): Array<[string, string]> {
  return [
    ['as built', base],
    ['with a byte order mark', `\uFEFF${base}`],
    ['with a miscased Xmlns', base.replace(`xmlns="${ns}"`, `Xmlns="${ns}"`)],
    ['with a miscased XMLNS:doc prefix', base.replace(`<Document xmlns="${ns}">`, `<doc:Document XMLNS:doc="${ns}">`).replace(/<\/Document>\s*$/, '</doc:Document>')],
    ['with every element prefixed', base.replace(/<(\/?)(?!\?)([A-Za-z])/g, '<$1d:$2').replace(`xmlns="${ns}"`, `xmlns:d="${ns}"`)],
    ['with a DOCTYPE', base.replace('?>', '?>\n<!DOCTYPE Document [<!ENTITY x "y">]>')],
    ['truncated', base.slice(0, Math.floor(base.length * 0.7))],
    ['with an unknown namespace', base.replace(`xmlns="${ns}"`, 'xmlns="urn:example:not-iso"')],
    ['with no namespace', base.replace(` xmlns="${ns}"`, '')],
    ['200k nested tags', deep(ns, 200_000)],
    [`nested exactly ${DEFAULT_MAX_DEPTH} deep inside ${body}`, base.replace(`<${body}>`, `<${body}>${'<X>'.repeat(DEFAULT_MAX_DEPTH - 4)}${'</X>'.repeat(DEFAULT_MAX_DEPTH - 4)}`)],
    ['an element too deep inside the body', base.replace(`<${body}>`, `<${body}>${'<X>'.repeat(DEFAULT_MAX_DEPTH)}${'</X>'.repeat(DEFAULT_MAX_DEPTH)}`)],
  ];
}

const camtNs = 'urn:iso:std:iso:20022:tech:xsd:camt.053.001.08';
const painNs = 'urn:iso:std:iso:20022:tech:xsd:pain.002.001.10';
const camt = build('camt.053.001.08', camt053Full(), { xsd: false });
const pain = build('pain.002.001.10', pain002Full(), { xsd: false });

describe('the tree and the streaming readers accept and refuse the same inputs', () => {
  it.each(corpus(camt, camtNs, 'GrpHdr'))('camt.053 %s', async (_what, xml) => {
    const tree = treeVerdict(xml);
    expect(await streamVerdict('camt053', xml)).toEqual(tree);
  });

  it.each(corpus(pain, painNs, 'GrpHdr'))('pain.002 %s', async (_what, xml) => {
    const tree = treeVerdict(xml);
    expect(await streamVerdict('pain002', xml)).toEqual(tree);
  });

  it('the verdicts themselves: miscased Xmlns accepted with a warning, limits refused with a typed error', async () => {
    const cases = Object.fromEntries(corpus(camt, camtNs, 'GrpHdr'));
    expect(treeVerdict(cases['as built']!)).toEqual({ accepted: true, warnings: [] });
    expect(treeVerdict(cases['with a miscased Xmlns']!)).toEqual({ accepted: true, warnings: ['miscased_namespace_declaration'] });
    expect(treeVerdict(cases['with a DOCTYPE']!)).toEqual({ accepted: false, code: 'doctype_forbidden' });
    expect(treeVerdict(cases['200k nested tags']!)).toEqual({ accepted: false, code: 'too_deep' });
    // unknown elements inside a known one are skipped by both readers; up to the limit they are only read past
    expect(treeVerdict(cases[`nested exactly ${DEFAULT_MAX_DEPTH} deep inside GrpHdr`]!)).toEqual({ accepted: true, warnings: [] });
    expect(treeVerdict(cases['truncated']!)).toEqual({ accepted: false, code: 'not_well_formed' });
    expect(treeVerdict(cases['with an unknown namespace']!)).toEqual({ accepted: false, code: 'unknown_message' });
    expect(treeVerdict(cases['with every element prefixed']!)).toEqual({ accepted: true, warnings: [] });
    expect(treeVerdict(cases['an element too deep inside the body']!)).toEqual({ accepted: false, code: 'too_deep' });
    // a lower limit is honoured the same way by both
    expect(treeVerdict(camt, 5)).toEqual({ accepted: false, code: 'too_deep' });
    expect(await streamVerdict('camt053', camt, 5)).toEqual({ accepted: false, code: 'too_deep' });
  });

  it('the limit error names the limit', () => {
    try {
      parse(deep(camtNs, 200_000));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Iso20022LimitError);
      expect((e as Iso20022LimitError).limit).toBe('maxDepth');
      expect((e as Error).message).toContain(`deeper than ${DEFAULT_MAX_DEPTH} levels (limit maxDepth)`);
    }
    expect(() => parse(camt, { maxElements: 10 })).toThrowError(expect.objectContaining({ code: 'too_many_elements', limit: 'maxElements' }));
  });

  it('railyard iso20022 parse and validate of 200k nested tags: a typed error naming the limit, no stack trace', async () => {
    const xml = deep(camtNs, 200_000);
    for (const cmd of ['parse', 'validate']) {
      let out = '';
      let err = '';
      const code = await iso20022Command([cmd, 'deep.xml'], { stdin: '', stdout: (s) => (out += s), stderr: (s) => (err += s), readFile: () => Promise.resolve(xml) });
      expect(code).toBe(1);
      expect(out + err).toContain('maxDepth');
      expect(out + err).not.toMatch(/\n\s+at /);
    }
  });
});
