import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Pool } from 'undici';

/** The sandbox merchant key the engine benchmark's server and client share. */
export const BENCH_KEY = 'sk_bench_railyard_0123456789';

/** Latency percentiles of a sample, in milliseconds. */
export function percentiles(samples: number[]): { p50: number; p99: number; max: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
  return { p50: round(at(0.5)), p99: round(at(0.99)), max: round(s.at(-1) ?? 0), n: s.length };
}

export const round = (x: number, digits = 2): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Runs `worker` on `concurrency` parallel loops until `seconds` have passed; returns completed iterations. */
export async function closedLoop(concurrency: number, seconds: number, worker: () => Promise<void>): Promise<{ done: number; errors: number; elapsed: number }> {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          await worker();
          done++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { done, errors, elapsed: (performance.now() - start) / 1000 };
}

export interface JsonResponse {
  status: number;
  body: Record<string, unknown>;
}

export async function request(pool: Pool, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown): Promise<JsonResponse> {
  const res = await pool.request({
    method,
    path,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.body.text();
  return { status: res.statusCode, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * Starts a bench server script (`tsx <script> ...args`) in its own process, so the load generator
 * never shares the server's event loop; the script prints `listening <port>` once ready.
 */
export async function spawnServer(script: URL, args: string[]): Promise<{ port: number; pid: number; out: () => string; stop: () => Promise<void> }> {
  // BENCH_PROFILE_DIR=dir: the server writes a V8 CPU profile there (open it in Chrome DevTools)
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script.pathname, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)/.exec(out);
      if (m?.[1]) resolve(Number(m[1]));
    });
    child.once('exit', () => reject(new Error(`${script.pathname} exited before listening`)));
  });
  return {
    port,
    pid: child.pid ?? 0,
    out: () => out,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

/** What a measuring job prints as its last line: its time, its process's peak RSS, and its own figures. */
export interface JobResult {
  job: string;
  ms?: number;
  peakRssMb?: number;
  baselineRssMb?: number;
  error?: string;
  [k: string]: unknown;
}

const execFile$ = promisify(execFile);

/**
 * Runs one measuring job in a fresh process (`node --import tsx script ...args`), so its peak RSS
 * is its own; a job that crashes is a result too (its first error line).
 */
export async function runJob(script: string, name: string, args: string[]): Promise<JobResult> {
  try {
    const { stdout } = await execFile$(process.execPath, ['--import', 'tsx', script, ...args], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      maxBuffer: 1024 * 1024,
      timeout: 600_000,
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as JobResult;
  } catch (err) {
    const e = err as { stderr?: string; message?: string };
    const lines = (e.stderr ?? e.message ?? '').split('\n').filter((l) => /error/i.test(l));
    return { job: name, error: (lines[0] ?? e.message ?? 'failed').slice(0, 300) };
  }
}

/** CPU time (user + system, ms) a process has used so far, from /proc (Linux). */
export function processCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ');
  // after the command name: state is field 3, utime 14 and stime 15 (1-based), in clock ticks
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** USER_HZ is 100 on every Linux architecture Node ships for. */
const CLOCK_TICKS_PER_SECOND = 100;
