/**
 * The XSD engine's thread: libxml2 (wasm) is loaded here, on the first validation, and never in
 * the importing thread. It is plain JavaScript in a string, run with `new Worker(…, { eval: true,
 * execArgv: [] })`, because it must load without any TypeScript loader (tsx or vitest's), whose
 * transform of libxml2-wasm's 1 MB module alone cost 170 MB of RSS, and because a file beside
 * this one would not survive every packaging (dist, tsx, vitest) the same way.
 *
 * Protocol: the client posts `{ bytes, messageType?, dir }` on `workerData.port`, waits on
 * `workerData.flag` (Atomics), and reads one `{ result } | { error }` reply with
 * `receiveMessageOnPort`. Findings are built here (line, named path) exactly as the library
 * documents them; the document never leaves this thread as a tree.
 */
export const XSD_WORKER_SOURCE = String.raw`
'use strict';
const { workerData } = require('node:worker_threads');
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { port, flag, libxml2Url, namespacePrefix } = workerData;
let lib;
let loadError;
const ready = import(libxml2Url).then((m) => { lib = m; }, (e) => { loadError = e; });
const cache = new Map();

function validatorFor(path) {
  const hit = cache.get(path);
  if (hit) return hit;
  const schemaDoc = lib.XmlDocument.fromString(readFileSync(path, 'utf8'), { url: path });
  try {
    const v = lib.XsdValidator.fromDoc(schemaDoc);
    cache.set(path, v);
    return v;
  } finally {
    schemaDoc.dispose();
  }
}

// '/*/*[2]' from libxml2 -> 'Document/CstmrCdtTrfInitn/PmtInf[2]': an index only among same-named siblings
function namedPath(node) {
  const parts = [];
  let cur = node;
  while (cur instanceof lib.XmlElement) {
    const name = cur.name.replace(/^.*:/, '');
    let index = 1;
    for (let s = cur.prev; s; s = s.prev) if (s instanceof lib.XmlElement && s.name === cur.name) index++;
    let total = index;
    for (let s = cur.next; s; s = s.next) if (s instanceof lib.XmlElement && s.name === cur.name) total++;
    parts.unshift(total > 1 ? name + '[' + index + ']' : name);
    cur = cur.parent;
  }
  return parts.join('/');
}

function finding(code, message, extra) {
  return Object.assign({ severity: 'error', code, message, path: '' }, extra || {});
}

function toFinding(doc, d) {
  let node = null;
  try {
    node = d.xpath ? doc.get(d.xpath) : null;
  } catch {
    node = null;
  }
  const line = d.line > 0 ? d.line : node ? node.line : undefined;
  const f = {
    severity: d.level === 1 ? 'warning' : 'error',
    code: 'xsd',
    message: d.message.trim().replace(/\{urn:iso:std:iso:20022:tech:xsd:[^}]+\}/g, ''),
    path: node ? namedPath(node) : (d.xpath || ''),
  };
  if (line !== undefined) f.line = line;
  if (d.col > 0) f.column = d.col;
  return f;
}

function validate(msg) {
  const given = msg.messageType;
  let doc;
  try {
    doc = lib.XmlDocument.fromBuffer(msg.bytes);
  } catch (e) {
    const first = e instanceof lib.XmlLibError ? e.details[0] : undefined;
    const at = first && first.line > 0 ? { line: first.line, column: first.col } : {};
    return { messageType: given || '', valid: false, findings: [finding('not_well_formed', first ? first.message.trim() : String(e && e.message), at)] };
  }
  try {
    const rootName = doc.root.name.replace(/^.*:/, '');
    const docEl = rootName === 'Document' || rootName === 'AppHdr' ? doc.root : doc.get("//*[local-name()='Document']");
    if (!(docEl instanceof lib.XmlElement)) return { messageType: given || '', valid: false, findings: [finding('missing_element', 'no Document element')] };
    const ns = docEl.namespaceUri;
    const type = given || (ns.startsWith(namespacePrefix) ? ns.slice(namespacePrefix.length) : '');
    const path = join(msg.dir, type + '.xsd');
    if (!/^[a-z]{4}\.\d{3}\.\d{3}\.\d{2}$/.test(type) || !existsSync(path)) {
      return { messageType: type, valid: false, findings: [finding('no_schema', 'no XSD for "' + (type || ns || 'a Document without namespace') + '" in ' + msg.dir)] };
    }
    try {
      const v = validatorFor(path);
      v.validate(docEl === doc.root ? doc : docEl);
      return { messageType: type, valid: true, findings: [] };
    } catch (e) {
      if (!(e instanceof lib.XmlLibError)) throw e;
      const findings = e.details.map((d) => toFinding(doc, d));
      return { messageType: type, valid: findings.every((f) => f.severity !== 'error'), findings };
    }
  } finally {
    doc.dispose();
  }
}

port.on('message', async (msg) => {
  await ready;
  let reply;
  try {
    if (loadError) throw loadError;
    reply = { result: validate(msg) };
  } catch (e) {
    reply = { error: String((e && e.stack) || e) };
  }
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;
