/**
 * A loopback TCP relay in front of sshd that can break the way networks break: drop (reset both
 * sides) or hang (keep the sockets open and forward nothing, FIN included).
 */
import { connect, createServer, type Socket } from 'node:net';

export type ProxyFault = 'drop' | 'hang';

export interface TcpProxy {
  port: number;
  /** connections accepted so far */
  readonly connections: number;
  /** the next connection to send more than `bytes` upstream gets `fault`; later ones pass */
  faultAfter(bytes: number, fault: ProxyFault): void;
  /** every current and future connection stops forwarding */
  hang(): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let connections = 0;
  let hangAll = false;
  let armed: { bytes: number; fault: ProxyFault } | null = null;

  const server = createServer({ allowHalfOpen: true }, (client) => {
    connections++;
    const upstream = connect({ port: targetPort, host: '127.0.0.1', allowHalfOpen: true });
    sockets.add(client).add(upstream);
    let hung = hangAll;
    let sent = 0;
    const destroyBoth = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (d: Buffer) => {
      if (hung || hangAll) return;
      sent += d.length;
      if (armed && sent > armed.bytes) {
        const fault = armed.fault;
        armed = null;
        if (fault === 'drop') return destroyBoth();
        hung = true;
        return;
      }
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (!hung && !hangAll) client.write(d);
    });
    client.on('end', () => !hung && !hangAll && upstream.end());
    upstream.on('end', () => !hung && !hangAll && client.end());
    for (const s of [client, upstream]) {
      s.on('error', destroyBoth);
      s.on('close', () => {
        sockets.delete(s);
        if (!hung && !hangAll) destroyBoth();
      });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('proxy did not bind');

  return {
    port: address.port,
    get connections() {
      return connections;
    },
    faultAfter: (bytes, fault) => {
      armed = { bytes, fault };
    },
    hang: () => {
      hangAll = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
