import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { iso20022Command } from '../../src/cli/iso20022.js';
import { build } from '../../src/iso20022/index.js';
import { pain001Full } from '../iso20022/fixtures.js';
import { partialAcceptanceXml } from '../support/partial-acceptance.js';
import { SHARED_SAMPLES_DIR as SAMPLES, itWithShared, xsdGateOffWithoutSharedXsd } from '../support/shared-reference.js';

// The commands run in-process: where the official schemas are absent they build with the gate off;
// the checks of what the gate itself says skip there with their reason.
xsdGateOffWithoutSharedXsd();

async function run(args: string[], stdin = '', files: Record<string, string> = {}) {
  let out = '';
  let err = '';
  const code = await iso20022Command(args, {
    stdin,
    stdout: (s) => (out += s),
    stderr: (s) => (err += s),
    readFile: (p) => (p in files ? Promise.resolve(files[p] as string) : readFile(p, 'utf8')),
  });
  return { code, out, err };
}

describe('railyard iso20022', () => {
  itWithShared('xsd+samples', 'validate: exit 0 for a valid file', async () => {
    const r = await run(['validate', `${SAMPLES}/camt/camt053.v8.xml`]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('valid camt.053.001.08');
  });

  itWithShared('xsd+samples', 'validate: exit 1 with findings carrying line and path', async () => {
    const r = await run(['validate', `${SAMPLES}/camt/camt053.v2.wrong.xml`]);
    expect(r.code).toBe(1);
    expect(r.out).toContain("error line 3 Document/BkToCstmrStmt: Element 'BkToCstmrStmt': Missing child element(s)");
    expect(r.out).toContain('INVALID camt.053.001.02');
  });

  it('parse prints the model as JSON; build accepts exactly that JSON; parse -> build -> parse is the identity', async () => {
    const xml = build('pain.001.001.09', pain001Full());
    const parsed = await run(['parse', 'in.xml'], '', { 'in.xml': xml });
    expect(parsed.code).toBe(0);
    expect(parsed.err).toContain('pain.001.001.09');
    const model = JSON.parse(parsed.out) as { paymentInformation: Array<{ transactions: Array<{ endToEndId: string; amount: unknown }> }> };
    expect(model.paymentInformation[0]?.transactions[0]).toEqual(expect.objectContaining({ endToEndId: '000000001', amount: { amount: 394975, currency: 'EUR' } }));
    const built = await run(['build', 'pain.001.001.09'], parsed.out);
    expect(built.code).toBe(0);
    expect(built.out).toBe(xml);
    const again = await run(['parse', 'out.xml'], '', { 'out.xml': built.out });
    expect(again.out).toBe(parsed.out);
  });

  it('parse of a partial-acceptance report built by the project', async () => {
    const r = await run(['parse', 'part.xml'], '', { 'part.xml': partialAcceptanceXml() });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(expect.objectContaining({ originalGroup: expect.objectContaining({ groupStatus: 'PART' }) }));
  });

  itWithShared('samples', 'parse of the partial-acceptance sample and of a camt file', async () => {
    const r = await run(['parse', `${SAMPLES}/pain/pain.002.001.10.partial-acceptance.xml`]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual(expect.objectContaining({ originalGroup: expect.objectContaining({ groupStatus: 'PART' }) }));
    const c = await run(['parse', `${SAMPLES}/camt/camt053.v2.five.decimals.xml`]);
    expect(c.out).toContain('"endToEndId": "000000001"');
  });

  itWithShared('xsd', 'build: a model failing the XSD exits 1 with the findings', async () => {
    const m = pain001Full();
    m.paymentInformation[0]!.paymentMethod = 'XXX';
    const r = await run(['build', 'pain.001.001.09'], JSON.stringify(m));
    expect(r.code).toBe(1);
    expect(r.err).toContain('Document/CstmrCdtTrfInitn/PmtInf[1]/PmtMtd');
  });

  it('build: bad JSON exits 1; unknown type exits 2', async () => {
    expect((await run(['build', 'pain.001.001.09'], '{nope')).code).toBe(1);
    expect((await run(['build', 'camt.052.001.08'], '{}')).code).toBe(2);
  });

  it('build --profile sepa applies the SEPA rules', async () => {
    const m = pain001Full();
    const r = await run(['build', 'pain.001.001.09', '--profile', 'sepa'], JSON.stringify(m));
    expect(r.code).toBe(1);
    expect(r.err).toContain('Iso20022RulesError');
    expect(r.err).toContain('sepa_charset');
  });

  it('parse: a DOCTYPE and an unknown message are typed errors, exit 1; usage exits 2', async () => {
    const d = await run(['parse', 'x.xml'], '', { 'x.xml': '<!DOCTYPE a><a/>' });
    expect(d.code).toBe(1);
    expect(d.err).toContain('doctype_forbidden');
    const u = await run(['parse', 'y.xml'], '', { 'y.xml': '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.013.001.07"/>' });
    expect(u.code).toBe(1);
    expect(u.err).toContain('unknown ISO 20022 message: found "urn:iso:std:iso:20022:tech:xsd:pain.013.001.07"');
    expect((await run([])).code).toBe(2);
    expect((await run(['parse', '/nonexistent/file.xml'])).code).toBe(1);
  });
});
