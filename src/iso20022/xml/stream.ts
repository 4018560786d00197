import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { Iso20022LimitError, Iso20022ParseError, Iso20022SizeError } from '../errors.js';
import { DEFAULT_MAX_DEPTH } from './parse.js';
import { declaredNamespace } from '../detect.js';
import type { XNode } from './tree.js';

/**
 * Streaming subtree capture over saxes: the caller says which elements to materialise (by their
 * path of local names) and gets each one as an XNode when it closes. Everything else is dropped as
 * it streams past, so memory is bounded by the largest captured subtree, not by the file.
 * A captured subtree may exclude children that are captured on their own (a statement without its
 * entries), so nothing is held twice.
 */

interface Building {
  name: string;
  prefix: string | undefined;
  attrs: Record<string, string>;
  children: Building[];
  text: string;
}

export interface Captured {
  /** Local names from the root, e.g. ['Document', 'BkToCstmrStmt', 'Stmt', 'Ntry']. */
  names: readonly string[];
  /** 1-based position among same-named siblings, per level (for paths in errors). */
  indexes: readonly number[];
  node: XNode;
  /** Line where the element closed. */
  line: number;
}

export interface StreamOptions {
  /** Which open elements to capture, given their path of local names (a live view: do not keep it). */
  capture(names: readonly string[]): boolean;
  /**
   * Called for the root element before anything is captured (namespace check). `miscased` is the
   * attribute a declaration was written as when not exactly `xmlns` (accepted, as `parse` does).
   */
  onRoot?(tag: { local: string; uri: string; miscased?: string; wanted: string }): void;
  /** Bound on the characters held by one captured subtree. */
  maxCaptureChars?: number;
  /** Refuse elements nested deeper than this (default `DEFAULT_MAX_DEPTH`, as the tree reader). */
  maxDepth?: number;
}

interface Frame {
  local: string;
  /**
   * Children seen so far by name, made on the first counted child. Only elements outside any
   * capture, or captured themselves, are counted: an element's index matters only for the paths
   * of captures (inside a capture the reader works paths out from the tree), and same-named
   * siblings are all captured or all not, since capture goes by the path of names.
   */
  counts: Map<string, number> | undefined;
  index: number;
  /** The node this element's content goes into (its own if captured or inside a capture). */
  sink: Building | undefined;
  captured: boolean;
  /** Nearest captured frame (self or ancestor): the one whose size budget content counts against. */
  owner: Frame | undefined;
  /** Approximate size held by this capture: text plus a fixed cost per element. */
  chars: number;
}

export async function* streamSubtrees(
  source: AsyncIterable<string | Uint8Array>,
  options: StreamOptions,
): AsyncGenerator<Captured> {
  // Namespace processing costs saxes a third of its time; ISO 20022 documents have one namespace,
  // so only the root's is resolved (from its own xmlns attributes) and names are split by hand.
  const parser = new SaxesParser({ xmlns: false, position: true });
  const stack: Frame[] = [];
  /** Local names from the root to the current element, kept in step with `stack`. */
  const names: string[] = [];
  const ready: Captured[] = [];
  const limit = options.maxCaptureChars ?? 4 * 1024 * 1024;
  const capture = options.capture;
  let failure: Error | undefined;

  const overLimit = (owner: Frame): never => {
    throw new Iso20022SizeError(limit, owner.chars, stack.map((f) => f.local).join('/'), 'captured element');
  };

  parser.on('doctype', () => {
    throw new Iso20022ParseError('doctype_forbidden', 'a DOCTYPE declaration is not accepted', '');
  });
  parser.on('error', (e) => {
    throw new Iso20022ParseError('not_well_formed', e.message, stack.map((f) => f.local).join('/'));
  });
  // The handlers below run for every element and every text node of files with millions of
  // them: no spread copies, no per-element maps or closures unless an element needs them.
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  parser.on('opentag', (tag: SaxesTagPlain) => {
    // The same bound as the tree reader, so both accept and refuse the same documents.
    if (stack.length >= maxDepth) throw new Iso20022LimitError('maxDepth', maxDepth);
    const parent = stack.length > 0 ? stack[stack.length - 1] : undefined;
    const name = tag.name;
    const colon = name.indexOf(':');
    const local = colon < 0 ? name : name.slice(colon + 1);
    const prefix = colon < 0 ? undefined : name.slice(0, colon);
    if (!parent) {
      const ns = declaredNamespace(tag.attributes, prefix);
      options.onRoot?.({ local, uri: ns?.uri ?? '', wanted: ns?.wanted ?? (prefix ? `xmlns:${prefix}` : 'xmlns'), ...(ns?.miscased !== undefined ? { miscased: ns.miscased } : {}) });
    }
    names.push(local);
    // `names` is live: capture() decides now and must not keep it
    const own = capture(names);
    const inside = parent?.sink;
    let index = 1;
    if (parent && (own || !inside)) {
      const counts = (parent.counts ??= new Map());
      index = (counts.get(local) ?? 0) + 1;
      counts.set(local, index);
    }
    let node: Building | undefined;
    if (own || inside) {
      // saxes makes a fresh attributes object per tag: it is kept as it is
      node = { name: local, prefix, attrs: tag.attributes, children: [], text: '' };
      // A capture nested in another capture is not attached to its parent: it is delivered alone.
      if (!own && inside) {
        inside.children.push(node);
        inside.text = ''; // an element with children keeps no text (indentation between them)
      }
    }
    const owner = own ? undefined : parent?.owner;
    const frame: Frame = { local, counts: undefined, index, sink: node, captured: own, owner, chars: 0 };
    if (own) frame.owner = frame;
    stack.push(frame);
    // Many empty elements cost memory too, not only text.
    if (node) {
      const o = frame.owner;
      if (o && (o.chars += 32 + local.length) > limit) overLimit(o);
    }
  });
  const onText = (t: string) => {
    const top = stack.length > 0 ? stack[stack.length - 1] : undefined;
    const sink = top?.sink;
    if (!sink || sink.children.length > 0) return;
    sink.text += t;
    const o = top.owner;
    if (o && (o.chars += t.length) > limit) overLimit(o);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    names.pop();
    const frame = stack.pop();
    if (frame?.captured && frame.sink) {
      const depth = stack.length;
      const capturedNames = new Array<string>(depth + 1);
      const indexes = new Array<number>(depth + 1);
      for (let i = 0; i < depth; i++) {
        const f = stack[i] as Frame;
        capturedNames[i] = f.local;
        indexes[i] = f.index;
      }
      capturedNames[depth] = frame.local;
      indexes[depth] = frame.index;
      ready.push({ names: capturedNames, indexes, node: frame.sink as XNode, line: parser.line });
    }
  });

  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of source) {
      parser.write(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
      while (ready.length > 0) yield ready.shift() as Captured;
    }
    const tail = decoder.decode();
    if (tail) parser.write(tail);
    parser.close();
  } catch (e) {
    failure = e instanceof Error ? e : new Error(String(e));
  }
  while (ready.length > 0 && !failure) yield ready.shift() as Captured;
  if (failure) throw failure;
}

/** `['Document','BkToCstmrStmt','Stmt','Ntry']` + indexes -> `Document/BkToCstmrStmt/Stmt[2]/Ntry[7]`. */
export function pathOf(c: Captured): string {
  return c.names.map((n, i) => (i >= 2 ? `${n}[${c.indexes[i] ?? 1}]` : n)).join('/');
}
