import type { Headers, SignRequest, SignedRequest } from './types.js';

/** What the signing hook made of a request: what to send, or why nothing may be sent. */
export type Signed = { ok: true; headers: Headers; body: Uint8Array } | { ok: false; reason: string };

/**
 * Runs the hook over the exact bytes; shared by the HTTP transport and its mock so both treat a
 * header-only (detached) hook and a body-replacing (enveloped) one the same way.
 */
export async function applySigning(sign: SignRequest, body: Uint8Array, headers: Headers): Promise<Signed> {
  try {
    const out = await sign(body, headers);
    return isSignedRequest(out) ? { ok: true, headers: out.headers, body: out.body } : { ok: true, headers: out, body };
  } catch (err) {
    return { ok: false, reason: `request signing failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

// Header values are strings, so a Uint8Array `body` can only come from a replacing hook.
function isSignedRequest(out: Headers | SignedRequest): out is SignedRequest {
  return (out as Partial<SignedRequest>).body instanceof Uint8Array && typeof out.headers === 'object';
}
