/**
 * The `railyard` command: a dispatcher only. Each command lives in its own module and is loaded
 * on demand, so `railyard iso8583 pack` does not open a database and a command missing from a
 * build says so instead of crashing the whole tool.
 */
import { readFile } from 'node:fs/promises';

export interface CliIo {
  stdout(s: string): void;
  stderr(s: string): void;
  /** Called only by commands that consume stdin, so the others never block on a terminal. */
  readStdin(): Promise<string>;
  readFile(path: string): Promise<string>;
}

/** What the codec commands receive (src/cli/iso8583.ts, src/cli/iso20022.ts). */
interface SubIo {
  stdin: string;
  stdout(s: string): void;
  stderr(s: string): void;
  readFile(path: string): Promise<string>;
}
type SubCommand = (args: string[], io: SubIo) => Promise<number>;

const EXIT_USAGE = 2;
const EXIT_ERROR = 1;

export const SIMULATORS = ['iso8583-host', 'iso20022-bank', 'sftp-bank', 'smtp', 'webhook'] as const;

export const USAGE = `usage: railyard <command> [args]

commands:
  start                          run the server (sandbox without RAILYARD_CONFIG, else that file)
  iso8583 pack|unpack|describe --dialect D
                                 ISO 8583 codec on stdin/stdout
  iso20022 validate|parse FILE   check or print an ISO 20022 message
  iso20022 build TYPE            build XML from the model JSON on stdin
  batch run-cutoff [--all]       build and upload the due batch files now
  batch poll                     fetch and apply the bank's files now
  reconcile FILE [--format csv] [--apply]
                                 reconcile a camt.053 statement against what was sent
                                 (exit 0: no breaks, 3: breaks found)
  audit verify [--checkpoint F]  check every payment's keyed audit chain (and a signed checkpoint)
  audit checkpoint [--out F]     sign and write a checkpoint of every chain head
  mock <simulator>               run a bank simulator (${SIMULATORS.join(', ')})
  new-connector                  scaffold connectors/<id>/ (not implemented yet)
  help                           this text

environment: PORT, HOST, RAILYARD_CONFIG, RAILYARD_DATA_DIR, DATABASE_URL, RAILYARD_SANDBOX_API_KEY
see docs/configuration.md
`;

export const processIo: CliIo = {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  },
  readFile: (path) => readFile(path, 'utf8'),
};

/**
 * Loads a command module; only the module itself being absent counts as "not in this build": an
 * error inside it is a bug and must surface as one.
 */
export async function loadCommand(name: string, load: () => Promise<Record<string, unknown>>, exportName: string): Promise<SubCommand | null> {
  try {
    const mod = await load();
    const fn = mod[exportName];
    return typeof fn === 'function' ? (fn as SubCommand) : null;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_MODULE_NOT_FOUND' && e.message.includes(`cli/${name}.`)) return null;
    throw err;
  }
}

const isHelp = (args: readonly string[]): boolean => args.includes('--help') || args.includes('-h');

async function delegate(
  name: 'iso8583' | 'iso20022',
  args: string[],
  io: CliIo,
  needsStdin: boolean,
  load: () => Promise<Record<string, unknown>>,
): Promise<number> {
  const command = await loadCommand(name, load, `${name}Command`);
  if (!command) {
    io.stderr(`railyard ${name}: not available in this build\n`);
    return EXIT_ERROR;
  }
  const stdin = needsStdin && !isHelp(args) ? await io.readStdin() : '';
  return command(args, { stdin, stdout: io.stdout, stderr: io.stderr, readFile: io.readFile });
}

function notImplemented(command: string, io: CliIo): number {
  io.stderr(`railyard ${command}: not implemented yet\n`);
  return EXIT_USAGE;
}

async function mock(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  if (name === undefined || name === 'list' || isHelp(args)) {
    io.stdout(`simulators: ${SIMULATORS.join(', ')}\nusage: railyard mock <simulator>\n`);
    return 0;
  }
  if (!(SIMULATORS as readonly string[]).includes(name)) {
    io.stderr(`railyard mock: unknown simulator "${name}" (known: ${SIMULATORS.join(', ')})\n`);
    return EXIT_USAGE;
  }
  const { runMock } = await import('./mock.js');
  return runMock(name, rest, io);
}

/** Runs one command line (without `node` and the script); resolves with the exit code. */
export async function cli(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...args] = argv;
  switch (command) {
    case undefined:
      io.stderr(USAGE);
      return EXIT_USAGE;
    case 'help':
    case '--help':
    case '-h':
      io.stdout(USAGE);
      return 0;
    case 'start': {
      const { runStart } = await import('../main.js');
      return runStart(process.env, io);
    }
    case 'iso8583':
      return delegate('iso8583', args, io, ['pack', 'unpack', 'describe'].some((c) => args.includes(c)), () => import('./iso8583.js'));
    case 'iso20022':
      return delegate('iso20022', args, io, args[0] === 'build', () => import('./iso20022.js'));
    case 'mock':
      return mock(args, io);
    case 'audit': {
      const { auditCommand } = await import('./audit.js');
      return auditCommand(args, io);
    }
    case 'batch': {
      const { batchCommand } = await import('./batch.js');
      return batchCommand(args, { ...io, progress: process.stderr });
    }
    case 'reconcile': {
      const { reconcileCommand } = await import('./batch.js');
      return reconcileCommand(args, { ...io, progress: process.stderr });
    }
    case 'new-connector':
      return notImplemented(command, io);
    default:
      io.stderr(`railyard: unknown command "${command}"\n\n${USAGE}`);
      return EXIT_USAGE;
  }
}
