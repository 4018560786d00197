/**
 * `railyard iso8583 pack|unpack|describe --dialect D`: the codec on stdin/stdout, for people
 * debugging a link. Errors name the field and byte offset, never the value (the value may be a PAN).
 */
import {
  DialectError,
  FieldJsonError,
  Iso8583Error,
  loadDialect,
  parseFieldJson as readFieldJson,
  stringifyFields,
  type Dialect,
} from '../iso8583/index.js';

export interface CliIo {
  readonly stdin: string;
  stdout(s: string): void;
  stderr(s: string): void;
}

const USAGE = `usage: railyard iso8583 <pack|unpack|describe> --dialect <name|path>
  pack      reads the field JSON ({"0":"0200","2":"...","55":{"9F02":"..."}}) on stdin, prints hex
  unpack    reads a hex frame on stdin, prints the field JSON
  describe  reads a hex frame on stdin, prints a masked description
dialects shipped: iso87-ascii, iso87-binary, iso93-ascii, demo-card (or a path to a dialect file)
`;

const EXIT_USAGE = 2;
const EXIT_ERROR = 1;

interface Parsed {
  readonly command: string;
  readonly dialect: string;
}

const parseArgs = (args: readonly string[]): Parsed | string => {
  let command: string | undefined;
  let dialect: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i] ?? '';
    if (a === '--dialect' || a === '-d') {
      dialect = args[++i];
      if (dialect === undefined) return '--dialect needs a value';
    } else if (a.startsWith('--dialect=')) {
      dialect = a.slice('--dialect='.length);
    } else if (a === '--help' || a === '-h') {
      return '';
    } else if (a.startsWith('-')) {
      return `unknown option ${a}`;
    } else if (command === undefined) {
      command = a;
    } else {
      return `unexpected argument ${a}`;
    }
  }
  if (command === undefined) return 'missing command';
  if (command !== 'pack' && command !== 'unpack' && command !== 'describe') return `unknown command ${command}`;
  if (dialect === undefined || dialect === '') return 'missing --dialect';
  return { command, dialect };
};

/** Accepts hex with whitespace, an optional 0x prefix, either case. */
const parseHexFrame = (text: string): Uint8Array => {
  const hex = text.replace(/\s+/g, '').replace(/^0x/i, '');
  if (hex.length === 0) throw new InputError('no hex frame on stdin');
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(hex)) {
    throw new InputError('stdin is not a hex frame (even number of hex digits expected)');
  }
  return Buffer.from(hex, 'hex');
};

class InputError extends Error {}

/** Keeps the written key order so EMV tags are packed in the order given (see iso8583/json.ts). */
const parseFieldJson = (text: string): Readonly<Record<string, unknown>> => {
  let v: unknown;
  try {
    v = readFieldJson(text);
  } catch (e) {
    // Only the position is reported: the input may hold a PAN.
    throw new InputError(`stdin is not valid JSON (${e instanceof FieldJsonError ? e.message : 'parse error'})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new InputError('stdin must be a JSON object of fields');
  return v as Readonly<Record<string, unknown>>;
};

const run = (d: Dialect, command: string, stdin: string, io: CliIo): void => {
  if (command === 'pack') {
    io.stdout(`${Buffer.from(d.pack(parseFieldJson(stdin))).toString('hex').toUpperCase()}\n`);
  } else if (command === 'unpack') {
    io.stdout(`${stringifyFields(d.unpack(parseHexFrame(stdin)))}\n`);
  } else {
    io.stdout(`${d.describe(d.unpack(parseHexFrame(stdin)))}\n`);
  }
};

export async function iso8583Command(args: string[], io: CliIo): Promise<number> {
  const parsed = parseArgs(args);
  if (typeof parsed === 'string') {
    if (parsed === '') {
      io.stdout(USAGE);
      return 0;
    }
    io.stderr(`railyard iso8583: ${parsed}\n${USAGE}`);
    return EXIT_USAGE;
  }
  try {
    const d = loadDialect(parsed.dialect);
    run(d, parsed.command, io.stdin, io);
    return 0;
  } catch (e) {
    if (e instanceof Iso8583Error) {
      const where = e.path === '' ? 'frame' : `field ${e.path}`;
      io.stderr(`railyard iso8583 ${parsed.command}: ${e.code} at ${where}, offset ${e.offset}\n  ${e.message}\n`);
    } else if (e instanceof DialectError || e instanceof InputError) {
      io.stderr(`railyard iso8583 ${parsed.command}: ${e.message}\n`);
    } else {
      throw e;
    }
    return EXIT_ERROR;
  }
}
