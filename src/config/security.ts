/** The Vault's keys from `security`: data keys and the MAC key, inline or named by environment variable. */
import type { VaultKeys } from '../domain/vault.js';
import { envValue } from './environment.js';
import { formatPath, type SecurityFile } from './schema.js';
import type { Env } from './types.js';

export function resolveSecurity(s: SecurityFile, env: Env, path: readonly PropertyKey[], issues: string[]): VaultKeys | undefined {
  const seen = new Set<string>();
  const dataKeys: VaultKeys['dataKeys'] = [];
  s.data_keys.forEach((k, i) => {
    const at = [...path, 'data_keys', i];
    if (seen.has(k.id)) issues.push(`${formatPath([...at, 'id'])}: duplicate data key id "${k.id}"`);
    seen.add(k.id);
    const b64 = secretValue(k.key_base64, k.key_base64_env, env, at, 'key_base64', issues);
    if (b64 === undefined) return;
    const key = Buffer.from(b64, 'base64');
    if (key.length !== 32) {
      issues.push(`${formatPath([...at, 'key_base64_env'])}: ${k.key_base64_env} must hold base64 of exactly 32 bytes`);
      return;
    }
    dataKeys.push({ id: k.id, key });
  });
  if (!seen.has(s.active_data_key)) {
    issues.push(`${formatPath([...path, 'active_data_key'])}: "${s.active_data_key}" is not among data_keys ids`);
  }
  const macB64 = secretValue(s.mac_key_base64, s.mac_key_base64_env, env, path, 'mac_key_base64', issues);
  const macKey = macB64 === undefined ? undefined : Buffer.from(macB64, 'base64');
  if (macKey && macKey.length < 32) {
    issues.push(`${formatPath([...path, 'mac_key_base64_env'])}: ${s.mac_key_base64_env} must hold base64 of at least 32 bytes`);
    return undefined;
  }
  if (!macKey || dataKeys.length !== s.data_keys.length) return undefined;
  return { dataKeys, activeKeyId: s.active_data_key, macKey };
}

/** A secret is written inline (`x`) or named by an environment variable (`x_env`), never both. */
function secretValue(
  inline: string | undefined,
  envVar: string | undefined,
  env: Env,
  path: readonly PropertyKey[],
  key: string,
  issues: string[],
): string | undefined {
  if (inline !== undefined && envVar !== undefined) {
    issues.push(`${formatPath([...path, key])}: give either ${key} or ${key}_env, not both`);
    return undefined;
  }
  if (inline !== undefined) return inline;
  if (envVar === undefined) {
    issues.push(`${formatPath([...path, key])}: is required (or ${key}_env naming an environment variable)`);
    return undefined;
  }
  const v = envValue(env, envVar);
  if (v === undefined) issues.push(`${formatPath([...path, `${key}_env`])}: environment variable ${envVar} is not set`);
  else if (!/^[A-Za-z0-9+/]+={0,2}$/.test(v)) issues.push(`${formatPath([...path, `${key}_env`])}: ${envVar} is not base64`);
  else return v;
  return undefined;
}
