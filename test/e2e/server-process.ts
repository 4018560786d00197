import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** Railyard as a separate process, for the end-to-end tests that kill and restart it. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** `node --import tsx src/main.ts` with `env` on top of this process's environment. */
export function startServer(env: Record<string, string>, children: ChildProcess[]): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.resume();
  child.stderr?.resume();
  children.push(child);
  return child;
}

export async function waitHealthy(base: string, child: ChildProcess, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end && child.exitCode === null) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy (exit code ${String(child.exitCode)})`);
}

export const card = (number: string) => ({ type: 'card', card: { number, exp_month: 12, exp_year: 2031 } });
export const account = (iban: string, name = 'Max Mustermann') => ({ type: 'bank_account', bank_account: { iban, name } });
