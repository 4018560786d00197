import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { Iso20022ParseError, Iso20022SizeError } from '../errors.js';
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
  /** Called for the root element before anything is captured (namespace check). */
  onRoot?(tag: { local: string; uri: string }): void;
  /** Bound on the characters held by one captured subtree. */
  maxCaptureChars?: number;
}

interface Frame {
  local: string;
  /** Children seen so far by name; made on the first child (most elements have none). */
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
  let failure: Error | undefined;

  parser.on('doctype', () => {
    throw new Iso20022ParseError('doctype_forbidden', 'a DOCTYPE declaration is not accepted', '');
  });
  parser.on('error', (e) => {
    throw new Iso20022ParseError('not_well_formed', e.message, stack.map((f) => f.local).join('/'));
  });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    const parent = stack[stack.length - 1];
    const colon = tag.name.indexOf(':');
    const local = colon < 0 ? tag.name : tag.name.slice(colon + 1);
    const prefix = colon < 0 ? undefined : tag.name.slice(0, colon);
    if (!parent) options.onRoot?.({ local, uri: tag.attributes[prefix ? `xmlns:${prefix}` : 'xmlns'] ?? '' });
    names.push(local);
    let index = 1;
    if (parent) {
      parent.counts ??= new Map();
      index = (parent.counts.get(local) ?? 0) + 1;
      parent.counts.set(local, index);
    }
    // `names` is live: capture() decides now and must not keep it
    const own = options.capture(names);
    const node: Building | undefined =
      own || parent?.sink ? { name: local, prefix, attrs: { ...tag.attributes }, children: [], text: '' } : undefined;
    // A capture nested in another capture is not attached to its parent: it is delivered alone.
    if (node && !own && parent?.sink) {
      parent.sink.children.push(node);
      parent.sink.text = ''; // an element with children keeps no text (indentation between them)
    }
    const frame: Frame = { local, counts: undefined, index, sink: node, captured: own, owner: undefined, chars: 0 };
    frame.owner = own ? frame : parent?.owner;
    stack.push(frame);
    // Many empty elements cost memory too, not only text.
    if (node) charge(frame, 32 + local.length);
  });
  const charge = (frame: Frame, size: number) => {
    const owner = frame.owner;
    if (!owner) return;
    owner.chars += size;
    if (owner.chars > limit) {
      throw new Iso20022SizeError(limit, owner.chars, stack.map((f) => f.local).join('/'), 'captured element');
    }
  };
  const onText = (t: string) => {
    const top = stack[stack.length - 1];
    if (!top?.sink || top.sink.children.length > 0) return;
    top.sink.text += t;
    charge(top, t.length);
  };
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    names.pop();
    const frame = stack.pop();
    if (frame?.captured && frame.sink) {
      ready.push({
        names: [...stack.map((f) => f.local), frame.local],
        indexes: [...stack.map((f) => f.index), frame.index],
        node: frame.sink as XNode,
        line: parser.line,
      });
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
