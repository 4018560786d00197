/**
 * `railyard mock <simulator> [--port N] [--host H]`: runs one bank simulator in the foreground
 * until SIGINT or SIGTERM. Simulators are loaded on demand from mocks/.
 */
export interface MockIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

interface Running {
  port: number;
  /** More to say on the "listening" line (a control port). */
  also?: string;
  close(): Promise<void>;
}

type Starter = (opts: { port: number; host: string; args: string[] }) => Promise<Running>;

const flag = (args: string[], name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

/** Every value of a repeatable flag (`--fault a --fault b`). */
const flags = (args: string[], name: string): string[] => args.flatMap((a, i) => (a === `--${name}` && args[i + 1] !== undefined ? [args[i + 1] as string] : []));

/** A flag's integer value, or a usage error naming the flag. */
const intFlag = (args: string[], name: string, min: number, max: number): number | undefined => {
  const v = flag(args, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new MockUsageError(`--${name} must be an integer from ${min} to ${max}`);
  return n;
};

export class MockUsageError extends Error {
  override readonly name = 'MockUsageError';
}

const STARTERS: Record<string, Starter> = {
  /**
   * `--dialect D` (default demo-card), `--mac on|off`, `--header binary2|ascii4|bcd2|binary4`,
   * `--journal FILE`, `--late-ms N`, `--stall-ms N`, `--fault KIND[:ON[:CODE]]` (repeatable: queued
   * faults for the first requests), `--admin-port N` (the control port; see mocks/README.md).
   */
  'iso8583-host': async ({ port, host, args }) => {
    const { startIso8583Host } = await import('../../mocks/iso8583-host/server.js');
    const { startHostAdmin, parseFaultSpec, HostControlError } = await import('../../mocks/iso8583-host/admin.js');
    const macFlag = flag(args, 'mac') ?? 'on';
    if (macFlag !== 'on' && macFlag !== 'off') throw new MockUsageError('--mac must be on or off');
    const header = flag(args, 'header') ?? 'binary2';
    if (!['binary2', 'ascii4', 'bcd2', 'binary4'].includes(header)) throw new MockUsageError('--header must be one of binary2, ascii4, bcd2, binary4');
    let faults: ReturnType<typeof parseFaultSpec>[];
    try {
      faults = flags(args, 'fault').map(parseFaultSpec);
    } catch (err) {
      throw new MockUsageError(`--fault: ${err instanceof HostControlError ? err.message : 'not a fault'}`);
    }
    const journalPath = flag(args, 'journal');
    const lateReplyMs = intFlag(args, 'late-ms', 0, 3_600_000);
    const stallMs = intFlag(args, 'stall-ms', 0, 3_600_000);
    const adminPort = intFlag(args, 'admin-port', 0, 65_535);
    const h = await startIso8583Host({
      port,
      host,
      dialect: flag(args, 'dialect') ?? 'demo-card',
      framing: { header: header as 'binary2' | 'ascii4' | 'bcd2' | 'binary4' },
      ...(macFlag === 'off' ? { mac: false as const } : {}),
      ...(journalPath ? { journalPath } : {}),
      ...(lateReplyMs !== undefined ? { lateReplyMs } : {}),
      ...(stallMs !== undefined ? { stallMs } : {}),
    });
    for (const f of faults) h.inject(f.fault, f.on, f.code);
    const admin = adminPort === undefined ? undefined : await startHostAdmin(h, { port: adminPort, host });
    return {
      port: h.port,
      ...(admin ? { also: `control on http://${host}:${admin.port}` } : {}),
      close: async () => {
        await admin?.close();
        await h.close();
      },
    };
  },
  'iso20022-bank': async ({ port, host, args }) => {
    const { startIso20022Bank } = await import('../../mocks/iso20022-bank/server.js');
    const callbackUrl = flag(args, 'callback');
    return startIso20022Bank({ port, host, ...(callbackUrl ? { callbackUrl } : {}) });
  },
};

export const runnableSimulators = (): string[] => Object.keys(STARTERS);

export async function runMock(name: string, args: string[], io: MockIo): Promise<number> {
  const start = STARTERS[name];
  if (!start) {
    io.stderr(`railyard mock ${name}: not available in this build yet (runnable: ${runnableSimulators().join(', ')})\n`);
    return 1;
  }
  const portText = flag(args, 'port') ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    io.stderr(`railyard mock ${name}: --port must be an integer from 0 to 65535\n`);
    return 2;
  }
  const host = flag(args, 'host') ?? '127.0.0.1';
  // Listen for the stop signals before anything can print "listening": a supervisor (or a test)
  // that signals as soon as it reads that line must meet our handler, not the default that kills.
  let onSignal: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onSignal = resolve));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let running: Running;
  try {
    running = await start({ port, host, args });
  } catch (err) {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (!(err instanceof MockUsageError)) throw err;
    io.stderr(`railyard mock ${name}: ${err.message}\n`);
    return 2;
  }
  io.stdout(`${name} listening on ${host}:${running.port}${running.also ? `, ${running.also}` : ''}\n`);
  await stopped;
  await running.close();
  return 0;
}
