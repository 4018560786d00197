import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameError, encodeFrame, replyTpdu, type LengthHeader } from '../../src/iso8583/link/framing.js';

const msg = (n: number, fill = 0x41): Uint8Array => new Uint8Array(n).fill(fill);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

describe('length headers', () => {
  const cases: [LengthHeader, string][] = [
    ['binary2', '012c'],
    ['ascii4', '30333030'],
    ['bcd2', '0300'],
    ['binary4', '0000012c'],
  ];
  for (const [header, expected] of cases) {
    it(`${header} encodes 300 bytes as ${expected} and decodes it back`, () => {
      const frame = encodeFrame({ header }, msg(300));
      expect(hex(frame.subarray(0, expected.length / 2))).toBe(expected);
      expect(frame.length).toBe(expected.length / 2 + 300);
      const [f, ...rest] = new FrameDecoder({ header }).push(frame);
      expect(rest).toEqual([]);
      expect(f?.message).toEqual(msg(300));
    });
  }

  it('refuses to encode what the header or the maximum cannot carry', () => {
    expect(() => encodeFrame({ header: 'ascii4', maxFrameBytes: 1_000_000 }, msg(10_000))).toThrow(FrameError);
    expect(() => encodeFrame({ header: 'binary2', maxFrameBytes: 100 }, msg(101))).toThrow(/FRAME_TOO_LARGE/);
    expect(() => encodeFrame({ header: 'binary2' }, new Uint8Array(0))).toThrow(/EMPTY_FRAME/);
  });

  it('rejects a header that is not a number in its encoding', () => {
    expect(() => new FrameDecoder({ header: 'ascii4' }).push(Buffer.from('00x1ABC'))).toThrow(/BAD_LENGTH_HEADER/);
    expect(() => new FrameDecoder({ header: 'bcd2' }).push(Uint8Array.of(0x0a, 0x00, 1))).toThrow(/BAD_LENGTH_HEADER/);
  });
});

describe('stream decoding', () => {
  const framing = { header: 'binary2' as const };
  const frames = [msg(5, 1), msg(300, 2), msg(1, 3), msg(70, 4)];
  const stream = Buffer.concat(frames.map((m) => encodeFrame(framing, m)));

  it('several frames in one chunk come out in order', () => {
    expect(new FrameDecoder(framing).push(stream).map((f) => Uint8Array.from(f.message))).toEqual(frames);
  });

  it('a frame split byte by byte comes out whole, once', () => {
    const d = new FrameDecoder(framing);
    const out: Uint8Array[] = [];
    for (const byte of stream) out.push(...d.push(Uint8Array.of(byte)).map((f) => Uint8Array.from(f.message)));
    expect(out).toEqual(frames);
    expect(d.buffered).toBe(0);
  });

  it('splits at every position of a two-frame stream', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new FrameDecoder(framing);
      const got = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut))].map((f) => Uint8Array.from(f.message));
      expect(got).toEqual(frames);
    }
  });

  it('any chunking of a stream gives the same frames (seeded random cuts, TPDU and each header kind)', () => {
    let seed = 7;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (const header of ['binary2', 'ascii4', 'bcd2', 'binary4'] as const) {
      for (const tpdu of [false, true]) {
        const f = { header, tpdu };
        const s = Buffer.concat(frames.map((m) => encodeFrame(f, m)));
        for (let round = 0; round < 50; round++) {
          const d = new FrameDecoder(f);
          const got: Uint8Array[] = [];
          for (let at = 0; at < s.length; ) {
            const n = 1 + next(round % 2 === 0 ? 4 : 400);
            got.push(...d.push(s.subarray(at, at + n)).map((x) => Uint8Array.from(x.message)));
            at += n;
          }
          expect(got).toEqual(frames);
          expect(d.buffered).toBe(0);
        }
      }
    }
  });

  it('a held partial frame is a copy: the socket reusing its chunk memory changes nothing', () => {
    const d = new FrameDecoder(framing);
    const frame = encodeFrame(framing, msg(40, 9));
    const chunk = Buffer.from(frame.subarray(0, 10));
    expect(d.push(chunk)).toEqual([]);
    chunk.fill(0xee);
    const second = Buffer.from(frame.subarray(10, 20));
    expect(d.push(second)).toEqual([]);
    second.fill(0xee);
    const [f] = d.push(frame.subarray(20));
    expect(Uint8Array.from(f?.message ?? [])).toEqual(msg(40, 9));
  });

  it('a bad header arriving one byte at a time is refused once complete, before any body is held', () => {
    const d = new FrameDecoder({ header: 'ascii4' });
    expect(d.push(Buffer.from('0'))).toEqual([]);
    expect(d.push(Buffer.from('0'))).toEqual([]);
    expect(d.push(Buffer.from('x'))).toEqual([]);
    expect(() => d.push(Buffer.from('1'))).toThrow(/BAD_LENGTH_HEADER/);
    expect(d.buffered).toBe(0);
  });

  it('an oversize length header fails before the body is buffered', () => {
    const d = new FrameDecoder({ header: 'binary4', maxFrameBytes: 1024 });
    // four bytes announcing 4 GiB - 1: no allocation of that size may follow
    expect(() => d.push(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1, 2, 3))).toThrow(/FRAME_TOO_LARGE/);
    expect(d.buffered).toBe(0);
    // the stream stays broken: framing cannot be recovered
    expect(() => d.push(encodeFrame(framing, msg(3)))).toThrow(FrameError);
  });

  it('the default maximum is 64 KiB', () => {
    expect(() => new FrameDecoder({ header: 'binary4' }).push(Uint8Array.of(0, 1, 0, 1))).toThrow(/65536/);
    expect(new FrameDecoder({ header: 'binary4' }).push(Uint8Array.of(0, 1, 0, 0)).length).toBe(0);
  });

  it('a zero length is refused', () => {
    expect(() => new FrameDecoder(framing).push(Uint8Array.of(0, 0))).toThrow(/EMPTY_FRAME/);
  });
});

describe('TPDU', () => {
  const framing = { header: 'binary2' as const, tpdu: true };
  it('precedes the message, counted by the length header', () => {
    const frame = encodeFrame(framing, msg(3), Uint8Array.of(0x60, 0x00, 0x01, 0x00, 0x02));
    expect(hex(frame)).toBe('0008' + '6000010002' + '414141');
    const [f] = new FrameDecoder(framing).push(frame);
    expect(hex(f?.tpdu ?? new Uint8Array())).toBe('6000010002');
    expect(f?.message).toEqual(msg(3));
  });

  it('a reply swaps destination and source', () => {
    expect(hex(replyTpdu(Uint8Array.of(0x60, 0x00, 0x01, 0x00, 0x02)))).toBe('6000020001');
    expect(() => replyTpdu(Uint8Array.of(0x60))).toThrow(/BAD_TPDU/);
  });

  it('a frame shorter than its TPDU is refused', () => {
    expect(() => new FrameDecoder(framing).push(Uint8Array.of(0, 5, 0x60, 0, 0, 0, 0))).toThrow(/EMPTY_FRAME/);
  });
});
