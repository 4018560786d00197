/**
 * A copy of a string read from the statement that no longer points into the reader's buffer.
 * The XML reader's text values are slices of 64 kB read chunks; keeping one 15-character
 * reference per entry alive (in a settlement, in the key set) would keep every chunk of the file
 * alive with it: on a 63 MB statement that was about 65 MB of RSS.
 */
export function detach(s: string): string;
export function detach(s: string | undefined): string | undefined;
export function detach(s: string | undefined): string | undefined {
  // V8 copies substrings shorter than 13 characters instead of slicing them
  if (s === undefined || s.length < 13) return s;
  return Buffer.from(s, 'utf8').toString('utf8');
}
