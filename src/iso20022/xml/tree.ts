/** The parsed form every message reader works on: element names without prefixes, text exact. */
export interface XNode {
  /** Local name (any namespace prefix removed). */
  readonly name: string;
  /** The prefix as written (`doc` in `<doc:Document>`), kept for namespace detection. */
  readonly prefix: string | undefined;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XNode[];
  /** Concatenated character data; only meaningful for leaf elements. */
  readonly text: string;
}

export const localName = (qname: string): string => {
  const i = qname.indexOf(':');
  return i < 0 ? qname : qname.slice(i + 1);
};

export const prefixOf = (qname: string): string | undefined => {
  const i = qname.indexOf(':');
  return i < 0 ? undefined : qname.slice(0, i);
};
