/**
 * Pack+unpack round trips per second of a 16-field 0200 on one core: Railyard's codec (iso87-ascii)
 * against the `iso_8583` npm package and a hand-written fixed-layout Buffer codec, in the same run.
 * Run: npx tsx bench/iso8583-codec.ts   (BENCH_MS per round, default 500; BENCH_ROUNDS, default 7)
 */
import { createRequire } from 'node:module';
import { loadDialect } from '../src/iso8583/index.js';
import { handPack, handUnpack } from './iso8583-baseline.js';

interface Iso8583Package {
  new (data?: Record<string, string>): {
    getBufferMessage(): Buffer | { error: string };
    getIsoJSON(b: Buffer, cfg: object): Record<string, string> | { error: string };
  };
}
const Iso8583Npm = createRequire(import.meta.url)('iso_8583') as Iso8583Package;

export const BENCH_0200: Record<string, string> = {
  '0': '0200',
  '2': '4000000000000002',
  '3': '000000',
  '4': '000000001000',
  '7': '1127105300',
  '11': '123456',
  '12': '105300',
  '13': '1127',
  '14': '2812',
  '18': '5999',
  '22': '051',
  '25': '00',
  '37': '123456789012',
  '41': 'TERM0001',
  '42': 'MERCHANT0000001',
  '43': 'Railyard Demo Shop      Berlin       DE',
  '49': '978',
};
BENCH_0200['43'] = (BENCH_0200['43'] ?? '').padEnd(40, ' ');

const MS = Number(process.env['BENCH_MS'] ?? 500);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 7);

/** Round trips per second over MS milliseconds. */
const measureOnce = (roundTrip: () => void): number => {
  let n = 0;
  const start = process.hrtime.bigint();
  const budget = BigInt(MS) * 1_000_000n;
  let elapsed = 0n;
  while (elapsed < budget) {
    for (let i = 0; i < 1000; i++) roundTrip();
    n += 1000;
    elapsed = process.hrtime.bigint() - start;
  }
  return Math.round(n / (Number(elapsed) / 1e9));
};

/**
 * The machine is shared (2 cores, other jobs): codecs are measured in interleaved rounds so a noisy
 * moment hits all three alike, and each reports its median round.
 */
const measureAll = <K extends string>(cases: Record<K, () => void>): Record<K, number> => {
  const names = Object.keys(cases) as K[];
  const samples = new Map<K, number[]>(names.map((k) => [k, []]));
  for (const k of names) for (let i = 0; i < 20_000; i++) cases[k]();
  for (let round = 0; round < ROUNDS; round++) {
    for (const k of names) samples.get(k)?.push(measureOnce(cases[k]));
  }
  const out = {} as Record<K, number>;
  for (const k of names) {
    const s = (samples.get(k) ?? []).sort((a, b) => a - b);
    out[k] = s[Math.floor(s.length / 2)] ?? 0;
  }
  return out;
};

const main = (): void => {
  const dialect = loadDialect('iso87-ascii');
  const ours = Buffer.from(dialect.pack(BENCH_0200));
  const hand = handPack(BENCH_0200);
  if (!ours.equals(hand)) throw new Error('hand-written baseline does not produce the same bytes as the codec');
  const npmMsg = new Iso8583Npm(BENCH_0200).getBufferMessage();
  if (!Buffer.isBuffer(npmMsg)) throw new Error(`iso_8583 could not pack the bench message: ${npmMsg.error}`);
  // Sanity: every implementation reads back what it wrote.
  const check = (name: string, got: Record<string, string> | { error: string }): void => {
    for (const [k, v] of Object.entries(BENCH_0200)) {
      if ((got as Record<string, string>)[k] !== v) throw new Error(`${name} round trip lost field ${k}`);
    }
  };
  check('railyard', dialect.unpack(dialect.pack(BENCH_0200)) as Record<string, string>);
  check('hand-written', handUnpack(handPack(BENCH_0200)));
  check('iso_8583', new Iso8583Npm().getIsoJSON(npmMsg, {}));

  let sink = 0;
  const results = measureAll({
    railyard: () => {
      sink += Object.keys(dialect.unpack(dialect.pack(BENCH_0200))).length;
    },
    handWritten: () => {
      sink += Object.keys(handUnpack(handPack(BENCH_0200))).length;
    },
    iso_8583: () => {
      const b = new Iso8583Npm(BENCH_0200).getBufferMessage() as Buffer;
      sink += Object.keys(new Iso8583Npm().getIsoJSON(b, {})).length;
    },
  });
  const report = {
    benchmark: 'iso8583 pack+unpack round trips/s, 16-field 0200, one core',
    method: `${ROUNDS} interleaved rounds of ${MS} ms per codec after warm-up; median round`,
    node: process.version,
    frameBytes: ours.length,
    roundTripsPerSecond: results,
    ratios: {
      railyardVsIso8583: Number((results.railyard / results.iso_8583).toFixed(2)),
      railyardVsHandWritten: Number((results.railyard / results.handWritten).toFixed(2)),
    },
    targets: { vsIso8583: '>= 5x', vsHandWritten: '>= 0.8x' },
    checksum: sink,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n\n`);
  process.stdout.write('| codec | round trips/s | vs iso_8583 | vs hand-written |\n|---|---:|---:|---:|\n');
  const row = (name: string, v: number): string =>
    `| ${name} | ${v.toLocaleString('en-US')} | ${(v / results.iso_8583).toFixed(2)}x | ${(v / results.handWritten).toFixed(2)}x |\n`;
  process.stdout.write(row('railyard (iso87-ascii)', results.railyard));
  process.stdout.write(row('hand-written Buffer codec', results.handWritten));
  process.stdout.write(row('iso_8583 2.6.7', results.iso_8583));
};

main();
