/** A scriptable card host for link tests: real sockets, frames in and out, no business logic. */
import { createServer, type Server, type Socket } from 'node:net';
import { loadDialect, type Dialect, type FieldMap } from '../../src/iso8583/index.js';
import { FrameDecoder, encodeFrame, type FramingOptions } from '../../src/iso8583/link/framing.js';

export const dialect = loadDialect('demo-card');

export interface Peer {
  port: number;
  /** Every message received, in order, per connection index. */
  received: FieldMap[];
  sockets: Socket[];
  connections: number;
  /** Sends a message (packed with the peer's framing) on the newest connection. */
  send(fields: FieldMap, socket?: Socket): void;
  /** Raw bytes on the newest connection. */
  raw(bytes: Uint8Array, socket?: Socket): void;
  frame(fields: FieldMap): Uint8Array;
  close(): Promise<void>;
}

export type Handler = (msg: FieldMap, peer: Peer, socket: Socket) => void;

/** The usual answer: response MTI, DE39 00, key fields echoed. */
export const answer = (msg: FieldMap, extra: FieldMap = {}): FieldMap => {
  const mti = String(msg['0']);
  const out: FieldMap = { '0': `${mti.slice(0, 2)}${Number(mti[2]) + 1}${mti[3]}`, '39': '00' };
  for (const f of ['4', '7', '11', '41', '70']) if (msg[f] !== undefined) out[f] = msg[f];
  return { ...out, ...extra };
};

/** Answers network messages (sign-on, echo) itself; hands the rest to `onRequest`. */
export const networkAware =
  (onRequest: Handler, opts: { answerEcho?: boolean } = {}): Handler =>
  (msg, peer, socket) => {
    if (msg['0'] === '0800') {
      if (msg['70'] === '301' && opts.answerEcho === false) return;
      peer.send(answer(msg), socket);
      return;
    }
    onRequest(msg, peer, socket);
  };

export async function startPeer(handler: Handler, framing: FramingOptions = { header: 'binary2' }, port = 0, peerDialect: Dialect = dialect): Promise<Peer> {
  const sockets: Socket[] = [];
  const received: FieldMap[] = [];
  const frame = (fields: FieldMap): Uint8Array => encodeFrame(framing, peerDialect.pack(fields));
  let server: Server;
  const peer: Peer = {
    port: 0,
    received,
    sockets,
    connections: 0,
    frame,
    send(fields, socket) {
      const s = socket ?? sockets[sockets.length - 1];
      if (s && !s.destroyed) s.write(frame(fields));
    },
    raw(bytes, socket) {
      const s = socket ?? sockets[sockets.length - 1];
      if (s && !s.destroyed) s.write(bytes);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  server = createServer((s) => {
    sockets.push(s);
    peer.connections++;
    const decoder = new FrameDecoder(framing);
    s.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) {
        const msg = peerDialect.unpack(f.message);
        received.push(msg);
        handler(msg, peer, s);
      }
    });
    s.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve()));
  const a = server.address();
  peer.port = typeof a === 'object' && a !== null ? a.port : 0;
  return peer;
}

export const until = async (cond: () => boolean, ms = 3_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};
