import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { idTime, isId, newId } from '../../src/domain/ids.js';
import { ibanValid, luhnValid } from '../../src/domain/payment-method.js';
import { Secret } from '../../src/domain/secret.js';
import { Vault, VaultError } from '../../src/domain/vault.js';

describe('ids', () => {
  it('are prefixed, 26 Crockford characters, and carry their time', () => {
    const id = newId('pay', 1_790_000_000_123);
    expect(id).toMatch(/^pay_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(isId(id, 'pay')).toBe(true);
    expect(isId(id, 're')).toBe(false);
    expect(idTime(id)).toBe(1_790_000_000_123);
  });

  it('sort by time, and stay sorted within one millisecond', () => {
    const ids = [newId('evt', 1000), newId('evt', 1000), newId('evt', 1000), newId('evt', 1001), newId('evt', 5000)];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('Secret', () => {
  it('never shows its value in JSON, strings, template literals or inspection', () => {
    const s = new Secret('4242424242424242');
    const shown = [JSON.stringify({ s }), String(s), `${s}`, inspect(s), inspect({ nested: { s } })].join(' ');
    expect(shown).not.toContain('4242');
    expect(shown).toContain('[redacted]');
    expect(s.reveal()).toBe('4242424242424242');
  });
});

describe('vault', () => {
  const keys = Vault.generateKeys();
  const vault = new Vault(keys);

  it('seals with AES-256-GCM bound to its owner, and opens only for that owner', () => {
    const sealed = vault.seal(new Secret('DE89370400440532013000'), 'pay_1');
    expect(sealed).not.toContain('DE89');
    expect(vault.open(sealed, 'pay_1').reveal()).toBe('DE89370400440532013000');
    expect(() => vault.open(sealed, 'pay_2')).toThrow(VaultError);
    const tampered = sealed.slice(0, -3) + (sealed.endsWith('A') ? 'BBB' : 'AAA');
    expect(() => vault.open(tampered, 'pay_1')).toThrow(VaultError);
  });

  it('rotates: a new active key seals, the old one still opens', () => {
    const rotated = new Vault({ ...keys, dataKeys: [...keys.dataKeys, { id: 'k2', key: Buffer.alloc(32, 7) }], activeKeyId: 'k2' });
    const old = vault.seal(new Secret('4242424242424242'), 'p');
    const fresh = rotated.seal(new Secret('4242424242424242'), 'p');
    expect(fresh.split('.')[1]).toBe('k2');
    expect(rotated.open(old, 'p').reveal()).toBe('4242424242424242');
    expect(() => vault.open(fresh, 'p')).toThrow(/not configured/);
  });

  it('fingerprints equal inputs equally for one merchant without revealing them', () => {
    const a = vault.fingerprint(new Secret('4242424242424242'), 'mch_a');
    expect(a).toBe(vault.fingerprint(new Secret('4242424242424242'), 'mch_a'));
    expect(a).not.toBe(vault.fingerprint(new Secret('4000000000000002'), 'mch_a'));
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(new Vault(Vault.generateKeys()).fingerprint(new Secret('4242424242424242'), 'mch_a')).not.toBe(a);
  });

  it('keys fingerprints per merchant: two merchants cannot link the same card', () => {
    const card = new Secret('4242424242424242');
    expect(vault.fingerprint(card, 'mch_a')).not.toBe(vault.fingerprint(card, 'mch_b'));
    // nor is it the old global keyed hash every merchant used to receive
    expect(vault.fingerprint(card, 'mch_a')).not.toBe(vault.mac('fingerprint', card.reveal()).slice(0, 32));
  });

  it('refuses bad keys at construction', () => {
    expect(() => new Vault({ ...keys, activeKeyId: 'nope' })).toThrow(/active data key/);
    expect(() => new Vault({ ...keys, dataKeys: [{ id: 'k1', key: Buffer.alloc(16) }] })).toThrow(/32 bytes/);
  });
});

describe('payment method checks', () => {
  it('Luhn', () => {
    for (const n of ['4242424242424242', '4000000000000002', '4000000000009995', '4000000000000119', '4000000000000259', '4000000000000010']) {
      expect(luhnValid(n), n).toBe(true);
    }
    expect(luhnValid('4242424242424241')).toBe(false);
  });

  it('IBAN mod-97', () => {
    for (const i of ['DE89370400440532013000', 'DE02120300000000202051', 'DE02100100100006820101', 'DE91100000000123456789', 'GB82WEST12345698765432']) {
      expect(ibanValid(i), i).toBe(true);
    }
    expect(ibanValid('DE00370400440532013000')).toBe(false);
    expect(ibanValid('de89370400440532013000')).toBe(false);
  });
});
