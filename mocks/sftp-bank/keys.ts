import { createHash, timingSafeEqual } from 'node:crypto';
import ssh2, { type ParsedKey, type PublicKeyAuthContext } from 'ssh2';

const { utils } = ssh2;

/**
 * Keys of the simulated bank: its host key (given, or a fresh ed25519 one) and the customers'
 * authorised public keys (OpenSSH `authorized_keys` lines). Public key authentication only, as
 * banks' file servers require.
 */

function parse(data: string, what: string): ParsedKey {
  const k = utils.parseKey(data);
  if (k instanceof Error) throw new Error(`${what}: ${k.message}`);
  return k;
}

/**
 * An ed25519 pair from ssh2 that ssh2 itself can read back. ssh2 1.17 drops a leading zero byte of
 * the public key when it writes it (about one key in 300, seen here), leaving a 31-byte key that
 * every parser, its own included, refuses: such a pair is drawn again.
 */
function ed25519Pair(comment?: string): { private: string; public: string } {
  for (;;) {
    const k = utils.generateKeyPairSync('ed25519', comment === undefined ? {} : { comment });
    if (!(utils.parseKey(k.public) instanceof Error) && !(utils.parseKey(k.private) instanceof Error)) return { private: k.private, public: k.public };
  }
}

/** A private host key in OpenSSH format (ed25519, which every current client accepts). */
export function generateHostKey(): string {
  return ed25519Pair().private;
}

/** A key pair for a customer (tests, the sandbox): `{ private, public }` in OpenSSH format. */
export function generateUserKey(comment = 'railyard'): { private: string; public: string } {
  return ed25519Pair(comment);
}

/** `SHA256:<base64 without padding>` of the public key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(key: string | ParsedKey): string {
  const parsed = typeof key === 'string' ? parse(key, 'key') : key;
  return `SHA256:${createHash('sha256').update(parsed.getPublicSSH()).digest('base64').replace(/=+$/, '')}`;
}

export function parsePrivateKey(pem: string): ParsedKey {
  const k = parse(pem, 'host key');
  if (!k.isPrivateKey()) throw new Error('host key: a private key is needed');
  return k;
}

/** username -> its authorised keys. */
export class AuthorizedKeys {
  private readonly byUser = new Map<string, ParsedKey[]>();

  constructor(users: ReadonlyArray<{ username: string; publicKey: string }>) {
    for (const u of users) {
      const list = this.byUser.get(u.username) ?? [];
      list.push(parse(u.publicKey.trim(), `public key of ${u.username}`));
      this.byUser.set(u.username, list);
    }
  }

  /**
   * ssh2 asks twice: first whether the key would do (no signature), then with a signature over the
   * session data, which must verify against the same authorised key.
   */
  check(ctx: PublicKeyAuthContext): boolean {
    const key = (this.byUser.get(ctx.username) ?? []).find((k) => {
      const blob = k.getPublicSSH();
      // The blob names its own type; ctx.key.algo may be a signature algorithm (rsa-sha2-256) instead.
      return blob.length === ctx.key.data.length && timingSafeEqual(blob, ctx.key.data);
    });
    if (!key) return false;
    if (ctx.signature === undefined || ctx.blob === undefined) return true;
    return key.verify(ctx.blob, ctx.signature, ctx.hashAlgo);
  }
}
