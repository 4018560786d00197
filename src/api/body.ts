import { IncomingMessage } from 'node:http';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';

/**
 * Reads a request body once, refusing it past `maxBytes` (`onTooLarge` answers). On Node's HTTP
 * server the bytes come straight from the socket's IncomingMessage and are handed to hono's body
 * cache (the raw bytes, and the decoded text of a JSON body): the adapter would otherwise build a
 * whole fetch Request with a web stream around the same socket for every POST, which costs more
 * than the rest of the request's HTTP handling. Anything else (app.fetch in tests, other runtimes) goes
 * through hono's own body limit. GET and HEAD carry no body and pass untouched.
 */
export function readBody(maxBytes: number, onTooLarge: (c: Context) => Response): MiddlewareHandler {
  const fallback = bodyLimit({ maxSize: maxBytes, onError: onTooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const incoming = (c.env as { incoming?: unknown } | undefined)?.incoming;
    if (!(incoming instanceof IncomingMessage)) return fallback(c, next);
    const declared = Number(incoming.headers['content-length'] ?? Number.NaN);
    if (declared > maxBytes) return onTooLarge(c);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of incoming as AsyncIterable<Buffer>) {
      size += chunk.length;
      // the rest is left unread: the adapter drains it or closes the connection after the answer
      if (size > maxBytes) return onTooLarge(c);
      chunks.push(chunk);
    }
    const bytes = Buffer.concat(chunks, size);
    // hono types its cache as the Body methods, but keeps the promises they return (request.js);
    // its json() reads the "text" entry, so a JSON body is decoded once here, as fetch would (BOM dropped)
    const cache = c.req.bodyCache as unknown as Record<'arrayBuffer' | 'text', Promise<unknown>>;
    cache.arrayBuffer = Promise.resolve(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    if (isJson(c.req.header('content-type'))) cache.text = Promise.resolve(utf8.decode(bytes));
    return next();
  };
}

const utf8 = new TextDecoder();
const isJson = (type: string | undefined): boolean => type !== undefined && /^application\/([a-z-.]+\+)?json(;|$)/i.test(type.trim());
