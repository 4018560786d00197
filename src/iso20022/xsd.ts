import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlDocument, XmlElement, XmlLibError, XsdValidator, type ErrorDetail, type XmlNode } from 'libxml2-wasm';
import { Iso20022SchemaError, type Finding } from './errors.js';
import { NAMESPACE_PREFIX } from './detect.js';
import { assertNoDoctype } from './xml/parse.js';

/**
 * The XSD gate: checks a document against the official schema of its message with libxml2 (wasm).
 * Outbound, a failure is an exception listing the findings; inbound, findings are returned and the
 * caller decides (banks do send slightly off files that are still worth reading).
 * The schemas are not part of the package: they are read from `RAILYARD_ISO20022_XSD_DIR`, or from
 * `setXsdDirectory()`, or from `../shared/iso20022/xsd` next to the project root.
 */

let xsdDir: string | undefined;

export function setXsdDirectory(dir: string | undefined): void {
  xsdDir = dir;
}

function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export function xsdDirectory(): string {
  return xsdDir ?? process.env['RAILYARD_ISO20022_XSD_DIR'] ?? resolve(projectRoot(), '..', 'shared', 'iso20022', 'xsd');
}

export const xsdPath = (messageType: string): string => join(xsdDirectory(), `${messageType}.xsd`);

export function hasXsd(messageType: string): boolean {
  return /^[a-z]{4}\.\d{3}\.\d{3}\.\d{2}$/.test(messageType) && existsSync(xsdPath(messageType));
}

// Parsing a 100 kB schema costs tens of milliseconds; each message's validator is built once.
const cache = new Map<string, XsdValidator>();

function validatorFor(messageType: string): XsdValidator {
  const hit = cache.get(messageType);
  if (hit) return hit;
  const schemaDoc = XmlDocument.fromString(readFileSync(xsdPath(messageType), 'utf8'), { url: xsdPath(messageType) });
  try {
    const v = XsdValidator.fromDoc(schemaDoc);
    cache.set(messageType, v);
    return v;
  } finally {
    schemaDoc.dispose();
  }
}

/** Frees the cached validators (tests, shutdown). */
export function disposeXsdCache(): void {
  for (const v of cache.values()) v.dispose();
  cache.clear();
}

export interface XsdResult {
  messageType: string;
  valid: boolean;
  findings: Finding[];
}

/** `/*\/*[2]` from libxml2 -> `Document/CstmrCdtTrfInitn/PmtInf[2]`, with names. */
function namedPath(node: XmlNode | null): string {
  const parts: string[] = [];
  let cur: XmlNode | null = node;
  while (cur instanceof XmlElement) {
    const name = cur.name.replace(/^.*:/, '');
    let index = 1;
    let total = 1;
    for (let s = cur.prev; s; s = s.prev) if (s instanceof XmlElement && s.name === cur.name) index++;
    total = index;
    for (let s = cur.next; s; s = s.next) if (s instanceof XmlElement && s.name === cur.name) total++;
    parts.unshift(total > 1 ? `${name}[${index}]` : name);
    cur = cur.parent;
  }
  return parts.join('/');
}

function toFinding(doc: XmlDocument, d: ErrorDetail): Finding {
  let node: XmlNode | null = null;
  try {
    node = d.xpath ? doc.get(d.xpath) : null;
  } catch {
    node = null;
  }
  const line = d.line > 0 ? d.line : node?.line;
  const message = d.message.trim().replace(/\{urn:iso:std:iso:20022:tech:xsd:[^}]+\}/g, '');
  return {
    severity: d.level === 1 ? 'warning' : 'error',
    code: 'xsd',
    message,
    path: node ? namedPath(node) : (d.xpath ?? ''),
    ...(line !== undefined ? { line } : {}),
    ...(d.col > 0 ? { column: d.col } : {}),
  };
}

/**
 * Validates against the schema of `messageType` (or the one named by the Document namespace).
 * Never throws for an invalid or unreadable document: those are findings.
 */
export function validateXsd(xml: string, messageType?: string): XsdResult {
  try {
    assertNoDoctype(xml);
  } catch (e) {
    return { messageType: messageType ?? '', valid: false, findings: [finding('doctype_forbidden', (e as Error).message)] };
  }
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromString(xml);
  } catch (e) {
    const details = e instanceof XmlLibError ? e.details : [];
    const first = details[0];
    return {
      messageType: messageType ?? '',
      valid: false,
      findings: [
        {
          ...finding('not_well_formed', first?.message.trim() ?? (e as Error).message),
          ...(first && first.line > 0 ? { line: first.line, column: first.col } : {}),
        },
      ],
    };
  }
  try {
    const rootName = doc.root.name.replace(/^.*:/, '');
    const docEl = rootName === 'Document' || rootName === 'AppHdr' ? doc.root : doc.get("//*[local-name()='Document']");
    if (!(docEl instanceof XmlElement)) {
      return { messageType: messageType ?? '', valid: false, findings: [finding('missing_element', 'no Document element')] };
    }
    const ns = docEl.namespaceUri;
    const type = messageType ?? (ns.startsWith(NAMESPACE_PREFIX) ? ns.slice(NAMESPACE_PREFIX.length) : '');
    if (!hasXsd(type)) {
      return { messageType: type, valid: false, findings: [finding('no_schema', `no XSD for "${type || ns || 'a Document without namespace'}" in ${xsdDirectory()}`)] };
    }
    try {
      const v = validatorFor(type);
      if (docEl === doc.root) v.validate(doc);
      else v.validate(docEl);
      return { messageType: type, valid: true, findings: [] };
    } catch (e) {
      if (!(e instanceof XmlLibError)) throw e;
      const findings = e.details.map((d) => toFinding(doc, d));
      return { messageType: type, valid: findings.every((f) => f.severity !== 'error'), findings };
    }
  } finally {
    doc.dispose();
  }
}

function finding(code: string, message: string): Finding {
  return { severity: 'error', code, message, path: '' };
}

/** Outbound gate: throws `Iso20022SchemaError` listing every finding. */
export function assertXsdValid(xml: string, messageType: string): void {
  const r = validateXsd(xml, messageType);
  if (!r.valid) throw new Iso20022SchemaError(messageType, r.findings);
}
