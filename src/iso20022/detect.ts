import { Iso20022UnknownMessageError, type Finding } from './errors.js';
import type { XNode } from './xml/tree.js';

/**
 * Finds which message a document is: from the Document namespace (default or prefixed, declared on
 * Document or an enclosing envelope), else from a business application header's MsgDefIdr.
 * Tolerates a miscased `Xmlns` (seen from hand-built bank files) but reports it as a warning, since
 * a namespace-aware validator will not see that namespace at all.
 */

export const NAMESPACE_PREFIX = 'urn:iso:std:iso:20022:tech:xsd:';
const MESSAGE_ID = /^[a-z]{4}\.\d{3}\.\d{3}\.\d{2}$/;

export const namespaceOf = (messageType: string): string => `${NAMESPACE_PREFIX}${messageType}`;

export interface Detected {
  /** e.g. `pain.001.001.09` */
  messageType: string;
  /** The `Document` element and its path from the root. */
  document: XNode | undefined;
  documentPath: string;
  appHdr: XNode | undefined;
  appHdrPath: string;
  warnings: Finding[];
}

interface Located {
  node: XNode;
  path: string;
  ancestors: XNode[];
}

function find(root: XNode, name: string, maxDepth: number): Located | undefined {
  const walk = (n: XNode, path: string, ancestors: XNode[], depth: number): Located | undefined => {
    if (n.name === name) return { node: n, path, ancestors };
    if (depth >= maxDepth) return undefined;
    for (const c of n.children) {
      const hit = walk(c, `${path}/${c.name}`, [...ancestors, n], depth + 1);
      if (hit) return hit;
    }
    return undefined;
  };
  return walk(root, root.name, [], 0);
}

/** The namespace in scope for an element's prefix, nearest declaration first. */
function namespaceFor(loc: Located, warnings: Finding[]): string | undefined {
  const wanted = loc.node.prefix === undefined ? 'xmlns' : `xmlns:${loc.node.prefix}`;
  for (const n of [loc.node, ...[...loc.ancestors].reverse()]) {
    for (const [k, v] of Object.entries(n.attrs)) {
      if (k === wanted) return v;
      if (k.toLowerCase() === wanted.toLowerCase()) {
        warnings.push(miscasedNamespace(k, wanted, loc.path));
        return v;
      }
    }
  }
  return undefined;
}

/**
 * The one wording of the miscased-declaration warning, for the tree reader (`parse`) and the
 * streaming readers alike: both accept such a file and both say so.
 */
export function miscasedNamespace(found: string, wanted: string, path: string): Finding {
  return {
    severity: 'warning',
    code: 'miscased_namespace_declaration',
    message: `namespace declared with "${found}" instead of "${wanted}"; accepted, but XML tools will not see it`,
    path,
  };
}

/** An element's namespace declaration among its attributes: exact, else a miscased one (and which). */
export function declaredNamespace(attrs: Readonly<Record<string, string>>, prefix: string | undefined): { uri: string; miscased?: string; wanted: string } | undefined {
  const wanted = prefix === undefined ? 'xmlns' : `xmlns:${prefix}`;
  const exact = attrs[wanted];
  if (exact !== undefined) return { uri: exact, wanted };
  for (const [k, v] of Object.entries(attrs)) if (k.toLowerCase() === wanted.toLowerCase()) return { uri: v, miscased: k, wanted };
  return undefined;
}

export function detect(root: XNode, isKnown: (messageType: string) => boolean): Detected {
  const warnings: Finding[] = [];
  const hdr = find(root, 'AppHdr', 3);
  // A business application header on its own (head.001) is the message itself.
  const doc = find(root, 'Document', 3) ?? (hdr && !hdr.node.children.some((c) => c.name === 'Document') && root.name === 'AppHdr' ? hdr : undefined);
  const ns = doc ? namespaceFor(doc, warnings) : undefined;
  const fromNs = ns?.startsWith(NAMESPACE_PREFIX) ? ns.slice(NAMESPACE_PREFIX.length) : undefined;
  const defIdr = doc === hdr ? undefined : hdr?.node.children.find((c) => c.name === 'MsgDefIdr')?.text.trim();

  const candidate = fromNs ?? defIdr;
  const found = ns ?? defIdr ?? (doc ? 'Document without a namespace' : `root element ${root.name}`);
  if (candidate === undefined || !MESSAGE_ID.test(candidate) || !isKnown(candidate)) {
    throw new Iso20022UnknownMessageError(found, doc?.path ?? root.name);
  }
  if (fromNs !== undefined && defIdr !== undefined && defIdr !== fromNs) {
    warnings.push({
      severity: 'warning',
      code: 'header_mismatch',
      message: `AppHdr MsgDefIdr "${defIdr}" differs from the Document namespace "${fromNs}"`,
      path: `${hdr?.path ?? 'AppHdr'}/MsgDefIdr`,
    });
  }
  return { messageType: candidate, document: doc?.node, documentPath: doc?.path ?? '', appHdr: doc === hdr ? undefined : hdr?.node, appHdrPath: hdr?.path ?? '', warnings };
}
