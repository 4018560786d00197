/**
 * `notifications.smtp` in the configuration file: its shape and its resolution into SmtpSettings
 * (secrets read from the environment when named by `*_env`, the CA file read and checked). Kept
 * beside the notifier so src/config.ts only plugs it in. Documented in docs/configuration.md.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { Secret } from '../../domain/secret.js';
import type { SmtpAuth, SmtpSettings } from './smtp-notifier.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: 'must be an environment variable name' });

const loginAuth = z.strictObject({
  type: z.literal('login').optional(),
  user: z.string().min(1),
  pass: z.string().min(1).optional(),
  pass_env: envName.optional(),
});

const oauth2Auth = z.strictObject({
  type: z.literal('oauth2'),
  user: z.string().min(1),
  access_token_env: envName.optional(),
  client_id: z.string().min(1).optional(),
  client_secret_env: envName.optional(),
  refresh_token_env: envName.optional(),
  access_url: z.url({ protocol: /^https$/ }).optional(),
});

export const smtpFileSchema = z.strictObject({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  secure: z.boolean().optional(),
  from: z.string().min(3),
  /** Default true: no mail leaves over a connection that is not TLS. */
  require_tls: z.boolean().optional(),
  auth: z.union([oauth2Auth, loginAuth]).optional(),
  tls: z.strictObject({ ca_file: z.string().min(1).optional(), servername: z.string().min(1).optional() }).optional(),
  timeout_ms: z.number().int().min(100).max(120_000).optional(),
});

export type SmtpFile = z.infer<typeof smtpFileSchema>;

type Env = Record<string, string | undefined>;

/** SmtpSettings from the file section; problems go to `issues` as `path: message` lines. */
export function resolveSmtp(f: SmtpFile, env: Env, baseDir: string, issues: string[], at = 'notifications.smtp'): SmtpSettings | undefined {
  const before = issues.length;
  const fromEnv = (key: string, name: string | undefined): Secret<string> | undefined => {
    if (name === undefined) return undefined;
    const v = env[name];
    if (v === undefined || v === '') {
      issues.push(`${at}.auth.${key}: environment variable ${name} is not set`);
      return undefined;
    }
    return new Secret(v);
  };
  let auth: SmtpAuth | undefined;
  if (f.auth?.type === 'oauth2') {
    const a = f.auth;
    const accessToken = fromEnv('access_token_env', a.access_token_env);
    const refreshParts = [a.client_id, a.client_secret_env, a.refresh_token_env, a.access_url];
    let refresh: Extract<SmtpAuth, { type: 'oauth2' }>['refresh'];
    if (refreshParts.some((p) => p !== undefined)) {
      if (refreshParts.some((p) => p === undefined)) issues.push(`${at}.auth: client_id, client_secret_env, refresh_token_env and access_url go together`);
      const clientSecret = fromEnv('client_secret_env', a.client_secret_env);
      const refreshToken = fromEnv('refresh_token_env', a.refresh_token_env);
      if (a.client_id && a.access_url && clientSecret && refreshToken) refresh = { clientId: a.client_id, clientSecret, refreshToken, accessUrl: a.access_url };
    }
    if (!accessToken && !refresh && a.access_token_env === undefined) issues.push(`${at}.auth: oauth2 needs access_token_env or a refresh token`);
    auth = { type: 'oauth2', user: a.user, ...(accessToken ? { accessToken } : {}), ...(refresh ? { refresh } : {}) };
  } else if (f.auth) {
    const a = f.auth;
    if ((a.pass === undefined) === (a.pass_env === undefined)) issues.push(`${at}.auth.pass: give either pass or pass_env`);
    const pass = a.pass !== undefined ? new Secret(a.pass) : fromEnv('pass_env', a.pass_env);
    if (pass) auth = { type: 'login', user: a.user, pass };
  }
  let ca: string | undefined;
  if (f.tls?.ca_file) {
    const path = resolve(baseDir, f.tls.ca_file);
    try {
      ca = readFileSync(path, 'utf8');
      new X509Certificate(ca); // the first certificate must parse, or the file is not what was meant
    } catch {
      issues.push(`${at}.tls.ca_file: ${path} is not a readable PEM certificate`);
    }
  }
  const requireTLS = f.require_tls ?? true;
  if (auth && !requireTLS && !f.secure) issues.push(`${at}.require_tls: credentials would cross a plain connection; keep require_tls or use secure`);
  if (issues.length > before) return undefined;
  return {
    host: f.host,
    port: f.port,
    secure: f.secure ?? false,
    from: f.from,
    requireTLS,
    ...(auth ? { auth } : {}),
    ...(ca ? { ca } : {}),
    ...(f.tls?.servername ? { servername: f.tls.servername } : {}),
    ...(f.timeout_ms !== undefined ? { timeoutMs: f.timeout_ms } : {}),
  };
}
