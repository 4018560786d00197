import { afterAll, describe, expect, it } from 'vitest';
import { build, disposeXsdCache, parse, streamCamt053, validate } from '../../src/iso20022/index.js';
import { xsdEngineStarted } from '../../src/iso20022/xsd.js';
import { itWithShared } from '../support/shared-reference.js';
import { pain001Full } from './fixtures.js';

afterAll(() => disposeXsdCache());

/** Each test file runs in a fresh module graph, so the engine state below is this file's alone. */
describe('XSD engine loaded lazily', () => {
  it('importing, parsing, streaming and building without the gate never load libxml2', async () => {
    const xml = build('pain.001.001.09', pain001Full(), { xsd: false });
    parse(xml);
    const camt = '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId><CreDtTm>2026-11-27T06:00:00Z</CreDtTm></GrpHdr></BkToCstmrStmt></Document>';
    const source = async function* () {
      yield camt;
    };
    for await (const e of streamCamt053(source())) expect(e.kind).toBe('groupHeader');
    expect(xsdEngineStarted()).toBe(false);
  });

  itWithShared('xsd', 'the first validation loads it, synchronously; after dispose the next one starts it again', () => {
    const xml = build('pain.001.001.09', pain001Full(), { xsd: false });
    expect(validate(xml)).toEqual({ messageType: 'pain.001.001.09', valid: true, findings: [] });
    expect(xsdEngineStarted()).toBe(true);
    disposeXsdCache();
    expect(xsdEngineStarted()).toBe(false);
    // the gate of build() is the same engine
    expect(build('pain.001.001.09', pain001Full())).toBe(xml);
    expect(xsdEngineStarted()).toBe(true);
    const broken = validate(xml.replace('<PmtMtd>TRF</PmtMtd>', '<PmtMtd>XXX</PmtMtd>'));
    expect(broken.valid).toBe(false);
    expect(broken.findings[0]).toMatchObject({ code: 'xsd', path: 'Document/CstmrCdtTrfInitn/PmtInf[1]/PmtMtd', line: expect.any(Number) });
  });
});
