import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Iso20022SchemaError } from '../../src/iso20022/errors.js';
import {
  assertXsdValid,
  disableXsdGate,
  disposeXsdCache,
  enableXsdGate,
  setXsdDirectory,
  validateXsd,
  xsdEngineStarted,
  xsdGateOffReason,
} from '../../src/iso20022/xsd.js';

/**
 * The XSD gate's own machinery (the libxml2 worker, findings with line and named path, prefixed and
 * enveloped documents, the gate switch) against a small schema this test writes itself. It needs
 * nothing outside the repository, so it runs in a clone alone too; the official schemas are the
 * oracle of messages-xsd.test.ts and xsd.test.ts, which skip without ../shared.
 */

const TYPE = 'test.001.001.01';
const NS = `urn:iso:std:iso:20022:tech:xsd:${TYPE}`;
const SCHEMA = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns="${NS}" targetNamespace="${NS}" elementFormDefault="qualified">
  <xs:element name="Document" type="Document"/>
  <xs:complexType name="Document">
    <xs:sequence><xs:element name="Rpt" type="Report"/></xs:sequence>
  </xs:complexType>
  <xs:complexType name="Report">
    <xs:sequence><xs:element name="Itm" type="Item" maxOccurs="unbounded"/></xs:sequence>
  </xs:complexType>
  <xs:complexType name="Item">
    <xs:sequence>
      <xs:element name="Nm" type="Max5Text"/>
      <xs:element name="Cd" type="Code"/>
    </xs:sequence>
  </xs:complexType>
  <xs:simpleType name="Max5Text">
    <xs:restriction base="xs:string"><xs:minLength value="1"/><xs:maxLength value="5"/></xs:restriction>
  </xs:simpleType>
  <xs:simpleType name="Code">
    <xs:restriction base="xs:string"><xs:enumeration value="OK"/><xs:enumeration value="KO"/></xs:restriction>
  </xs:simpleType>
</xs:schema>
`;

const doc = (items: Array<[string, string]>): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="${NS}">\n  <Rpt>\n${items.map(([nm, cd]) => `    <Itm><Nm>${nm}</Nm><Cd>${cd}</Cd></Itm>\n`).join('')}  </Rpt>\n</Document>\n`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'railyard-xsd-engine-'));
  writeFileSync(join(dir, `${TYPE}.xsd`), SCHEMA);
  setXsdDirectory(dir);
  // this file tests the gate itself: on, whatever the environment
  enableXsdGate();
});

afterAll(() => {
  disposeXsdCache();
  setXsdDirectory(undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('the XSD gate on a schema the test writes', () => {
  it('a valid document: valid, no findings, the message type read from the namespace', () => {
    expect(xsdEngineStarted()).toBe(false);
    expect(validateXsd(doc([['Anna', 'OK'], ['Bo', 'KO']]))).toEqual({ messageType: TYPE, valid: true, findings: [] });
    expect(xsdEngineStarted()).toBe(true);
  });

  it('inbound: every finding returned with its line and named path, never thrown', () => {
    const xml = doc([['Anna', 'OK'], ['Bo', 'XX'], ['Too long', 'OK']]);
    const r = validateXsd(xml);
    expect(r.valid).toBe(false);
    const lineOf = (text: string) => xml.split('\n').findIndex((l) => l.includes(text)) + 1;
    expect(r.findings.map((f) => [f.code, f.path, f.line])).toEqual([
      ['xsd', 'Document/Rpt/Itm[2]/Cd', lineOf('XX')],
      ['xsd', 'Document/Rpt/Itm[3]/Nm', lineOf('Too long')],
    ]);
    // the namespace is taken out of the messages: they name the element alone
    expect(r.findings.every((f) => !f.message.includes(NS))).toBe(true);
  });

  it('outbound: assertXsdValid throws a typed error listing the findings, and passes a valid document', () => {
    expect(() => assertXsdValid(doc([['Anna', 'OK']]), TYPE)).not.toThrow();
    try {
      assertXsdValid(doc([['Anna', 'NO']]), TYPE);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Iso20022SchemaError);
      const err = e as Iso20022SchemaError;
      expect(err.messageType).toBe(TYPE);
      expect(err.findings.map((f) => f.path)).toEqual(['Document/Rpt/Itm/Cd']);
    }
  });

  it('a prefixed document, and the Document inside an envelope, are validated the same way', () => {
    const body = doc([['Anna', 'OK']]).replace(/^<\?xml[^>]*>\n/, '');
    const prefixed = body.replace('<Document xmlns=', '<p:Document xmlns:p=').replace(/<(\/?)(?!p:)([A-Za-z])/g, '<$1p:$2');
    expect(validateXsd(prefixed)).toEqual({ messageType: TYPE, valid: true, findings: [] });
    expect(validateXsd(`<Envelope>${body}</Envelope>`)).toEqual({ messageType: TYPE, valid: true, findings: [] });
    expect(validateXsd(`<Envelope>${body.replace('<Cd>OK</Cd>', '<Cd>XX</Cd>')}</Envelope>`).findings[0]).toMatchObject({ code: 'xsd', path: 'Envelope/Document/Rpt/Itm/Cd' });
  });

  it('malformed XML, a DOCTYPE and a type without a schema are findings, never valid', () => {
    const bad = validateXsd(`<Document xmlns="${NS}">\n<Rpt></Itm></Document>`);
    expect(bad.valid).toBe(false);
    expect(bad.findings[0]).toEqual(expect.objectContaining({ code: 'not_well_formed', line: 2 }));
    expect(validateXsd(`<!DOCTYPE d><Document xmlns="${NS}"/>`).findings[0]?.code).toBe('doctype_forbidden');
    const missing = validateXsd('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:test.002.001.01"><Rpt/></Document>');
    expect(missing).toMatchObject({ messageType: 'test.002.001.01', valid: false });
    expect(missing.findings[0]?.code).toBe('no_schema');
    expect(() => assertXsdValid('<Document xmlns="urn:iso:std:iso:20022:tech:xsd:test.002.001.01"><Rpt/></Document>', 'test.002.001.01')).toThrow(Iso20022SchemaError);
  });

  it('with the gate off (a sandbox without schemas), nothing is refused and every answer says unchecked', () => {
    disableXsdGate('no schemas here (test)');
    try {
      expect(xsdGateOffReason()).toBe('no schemas here (test)');
      expect(() => assertXsdValid(doc([['Anna', 'NO']]), TYPE)).not.toThrow();
      expect(validateXsd(doc([['Anna', 'NO']]))).toEqual({
        messageType: '',
        valid: true,
        findings: [{ severity: 'warning', code: 'no_schema', message: 'no schemas here (test)', path: '' }],
      });
      // a DOCTYPE is refused before any schema is needed, gate or not
      expect(validateXsd('<!DOCTYPE d><Document/>').findings[0]?.code).toBe('doctype_forbidden');
    } finally {
      enableXsdGate();
    }
    expect(validateXsd(doc([['Anna', 'NO']])).valid).toBe(false);
  });

  it('after dispose the next validation starts the engine again', () => {
    disposeXsdCache();
    expect(xsdEngineStarted()).toBe(false);
    expect(validateXsd(doc([['Anna', 'OK']])).valid).toBe(true);
    expect(xsdEngineStarted()).toBe(true);
  });
});
