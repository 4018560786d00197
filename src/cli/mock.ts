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
  close(): Promise<void>;
}

type Starter = (opts: { port: number; host: string; args: string[] }) => Promise<Running>;

const flag = (args: string[], name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

const STARTERS: Record<string, Starter> = {
  'iso8583-host': async ({ port, host, args }) => {
    const { startIso8583Host } = await import('../../mocks/iso8583-host/server.js');
    return startIso8583Host({ port, host, dialect: flag(args, 'dialect') ?? 'demo-card' });
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
  const running = await start({ port, host, args });
  io.stdout(`${name} listening on ${host}:${running.port}\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await running.close();
  return 0;
}
