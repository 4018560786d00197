/**
 * Writes that leave together: the first write on a socket in a tick corks it and the tick's end
 * uncorks it, so frames written in one tick share one syscall. With hundreds of requests in
 * flight, a write per frame was the largest single cost in the link's CPU profile.
 */
import type { Socket } from 'node:net';

const corked = new WeakSet<Socket>();

export function corkedWrite(s: Socket, bytes: Uint8Array): void {
  if (!corked.has(s)) {
    corked.add(s);
    s.cork();
    process.nextTick(() => {
      corked.delete(s);
      s.uncork();
    });
  }
  s.write(bytes);
}
