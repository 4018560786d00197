import { createServer, connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { corkedWrite } from '../../src/iso8583/link/cork.js';

describe('corked writes', () => {
  it('frames written in one tick leave together, in order, and the socket is uncorked after the tick', async () => {
    const got: Buffer[] = [];
    let done: () => void = () => undefined;
    const all = new Promise<void>((r) => (done = r));
    const server = createServer((s) => s.on('data', (c: Buffer) => {
      got.push(c);
      if (Buffer.concat(got).length === 9) done();
    }));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    const s: Socket = connect(port, '127.0.0.1');
    await new Promise<void>((r) => s.once('connect', r));
    try {
      let corks = 0;
      const cork = s.cork.bind(s);
      s.cork = () => {
        corks++;
        cork();
      };
      corkedWrite(s, Uint8Array.of(1, 2, 3));
      corkedWrite(s, Uint8Array.of(4, 5, 6));
      corkedWrite(s, Uint8Array.of(7, 8, 9));
      expect(corks).toBe(1);
      expect(s.writableCorked).toBe(1);
      await new Promise((r) => process.nextTick(r));
      expect(s.writableCorked).toBe(0);
      await all;
      expect([...Buffer.concat(got)]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      // a later tick corks again
      corkedWrite(s, Uint8Array.of(10));
      expect(corks).toBe(2);
    } finally {
      s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
