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
  // the last words of a server that dies at start are what a failing test must show
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-2_000);
  });
  stderrTails.set(child, () => tail);
  children.push(child);
  return child;
}

const stderrTails = new WeakMap<ChildProcess, () => string>();

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
  throw new Error(`server did not become healthy (exit code ${String(child.exitCode)}): ${stderrTails.get(child)?.() ?? ''}`);
}

export const card = (number: string) => ({ type: 'card', card: { number, exp_month: 12, exp_year: 2031 } });
export const account = (iban: string, name = 'Max Mustermann') => ({ type: 'bank_account', bank_account: { iban, name } });

type Auth = Record<string, string>;

const listPayments = async (base: string, auth: Auth): Promise<{ id: string; status: string }[]> =>
  ((await (await fetch(`${base}/v1/payments?limit=100`, { headers: auth })).json()) as { data: { id: string; status: string }[] }).data;

/** How many payments are still on their way (a crash now catches them in the middle). */
export async function countMidFlow(base: string, auth: Auth): Promise<number> {
  return (await listPayments(base, auth)).filter((p) => p.status === 'processing' || p.status === 'authorized').length;
}

/** SIGKILL, then a new process on the same data, healthy. */
export async function crashAndRestart(first: ChildProcess, start: () => ChildProcess, base: string): Promise<ChildProcess> {
  first.kill('SIGKILL');
  await new Promise((r) => first.once('exit', r));
  const second = start();
  await waitHealthy(base, second);
  return second;
}

const FINAL = new Set(['succeeded', 'failed', 'expired', 'canceled', 'reversed', 'requires_review']);

/** Polls until `count` payments are listed and all are final, or `ms` pass; returns the last statuses. */
export async function waitAllFinal(base: string, auth: Auth, count: number, ms: number): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  const end = Date.now() + ms;
  while (Date.now() < end) {
    for (const p of await listPayments(base, auth)) statuses.set(p.id, p.status);
    if (statuses.size === count && [...statuses.values()].every((s) => FINAL.has(s))) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return statuses;
}

/** SIGTERM and the exit code. */
export async function stopGracefully(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  return new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
}

/** A bank command as the crash left it in Railyard's database. */
export interface CommandRow {
  payment_id: string;
  name: string;
  reference: string;
  status: string;
}

/**
 * The one right end of a payment whose run was crashed (issue 11, invariant (e)): the documented
 * one, as without the crash, whenever the protocol lets Railyard learn what happened. A lost
 * request the bank never received is proven so (inquiry, or a reversal that finds nothing) and
 * sent again under its reference. The one exception the protocol forces: a card request on a
 * rail with no inquiry that the bank DID execute, but whose answer the crash lost. The only way to
 * learn its outcome is to reverse it, so it ends failed (an authorisation) or reversed (a
 * completion), and the bank's books must show it reversed.
 */
export function rightEnd(
  expected: string,
  method: string,
  commands: readonly CommandRow[],
  executedAtBank: (reference: string) => boolean,
): { status: string; reversedAtBank?: string } {
  if (method !== 'card') return { status: expected };
  for (const lost of commands.filter((c) => c.status === 'lost' && (c.name === 'authorize' || c.name === 'transfer'))) {
    const resent = commands.filter((c) => c.reference === lost.reference).length > 1;
    if (!resent && executedAtBank(lost.reference)) {
      return { status: lost.name === 'authorize' ? 'failed' : 'reversed', reversedAtBank: lost.reference };
    }
  }
  return { status: expected };
}
