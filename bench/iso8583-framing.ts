/**
 * The ISO 8583 frame decoder against the chunking of the stream: a frame arriving one byte at a
 * time (a slow or hostile peer) next to the same frame in one chunk (the baseline), at 16, 32 and
 * 64 KiB. Linear decoding means the one-byte cost per byte stays flat as the frame grows; the
 * decoder that joined its buffer on every chunk cost 251 ms of CPU for 64 KiB, quadratic.
 * Run: npx tsx bench/iso8583-framing.ts   (BENCH_ROUNDS, default 7: the median round is reported)
 */
import { FrameDecoder, encodeFrame, type FramingOptions } from '../src/iso8583/link/framing.js';
import { round } from './lib.js';

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);
const framing: FramingOptions = { header: 'binary4', maxFrameBytes: 64 * 1024 };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** Milliseconds to decode `frame` fed in chunks of `chunk` bytes (the median of ROUNDS). */
function decodeMs(frame: Uint8Array, chunk: number): number {
  const times: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const d = new FrameDecoder(framing);
    const start = process.hrtime.bigint();
    let got = 0;
    for (let at = 0; at < frame.length; at += chunk) got += d.push(frame.subarray(at, at + chunk)).length;
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (got !== 1) throw new Error(`decoded ${got} frames, expected 1`);
  }
  return median(times);
}

export function run(): Record<string, unknown> {
  const rows: Record<string, unknown>[] = [];
  for (const kib of [16, 32, 64]) {
    // the largest body the framing allows is 64 KiB including nothing else
    const bytes = Math.min(kib * 1024, 64 * 1024);
    const frame = encodeFrame(framing, new Uint8Array(bytes).fill(0x41));
    decodeMs(frame, 1); // warm-up
    const oneByte = decodeMs(frame, 1);
    const whole = decodeMs(frame, frame.length);
    rows.push({
      frame_kib: kib,
      one_byte_chunks_ms: round(oneByte, 3),
      one_byte_ns_per_byte: round((oneByte * 1e6) / frame.length, 1),
      whole_frame_ms: round(whole, 4),
    });
  }
  return { rounds: ROUNDS, rows };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(run(), null, 2));
