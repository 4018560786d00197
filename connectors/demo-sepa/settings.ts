import { z } from 'zod';
import { parseSettings } from '../../src/connector/settings.js';
import { DEFAULT_MAX_FINDINGS, type FindingsOptions } from './findings.js';
import type { Parties } from './mapping.js';

/**
 * The demo-sepa connector's settings (the `settings` block of its configuration entry). Every key
 * is checked: a wrong type or an unknown value is refused with its key path, never replaced by a
 * default (a bank's address or protocol must not be guessed).
 */
export const settingsSchema = z
  .strictObject({
    id: z.string().min(1).default('demo-sepa'),
    /** The bank API's address; required: there is no default bank. */
    baseUrl: z.url({ protocol: /^https?$/, error: (iss) => (iss.input === undefined ? 'is required' : 'must be an http:// or https:// URL') }),
    callTimeoutMs: z.number().int().positive().default(3_000),
    /** The transport's own deadline; absent: three times `callTimeoutMs`. */
    requestTimeoutMs: z.number().int().positive().optional(),
    /** `pain.001` (SEPA customer transfers, default) or `pacs.008` (interbank). */
    transferMessage: z.enum(['pain.001', 'pacs.008']).optional(),
    /** Older spelling of the same choice: `fi` is `transferMessage: pacs.008`. */
    profile: z.enum(['sepa', 'fi']).optional(),
    refundMessage: z.enum(['pacs.004', 'pain.001']).default('pacs.004'),
    inboundXsd: z.boolean().default(true),
    maxInboundFindings: z.number().int().min(0).default(DEFAULT_MAX_FINDINGS),
    creditorName: z.string().min(1).max(140).default('Railyard Demo Shop'),
    creditorIban: z.string().regex(/^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$/, { error: 'must be an IBAN (capitals, no spaces)' }).default('DE75512108001245126199'),
    creditorBic: z.string().regex(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/, { error: 'must be a BIC (8 or 11 capitals or digits)' }).optional(),
    bankBic: z.string().regex(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/, { error: 'must be a BIC (8 or 11 capitals or digits)' }).default('SIMBDEFFXXX'),
    /** The outbound XSD gate. */
    xsd: z.boolean().default(true),
    /** PEM paths for mutual TLS to the bank. */
    tlsKey: z.string().min(1).optional(),
    tlsCert: z.string().min(1).optional(),
    tlsCa: z.string().min(1).optional(),
    /** Extra HTTP headers; the names are the bank's, kept as written. */
    headers: z.record(z.string(), z.string()).optional(),
    /** Railyard's signing certificate and key (PEM paths): requests carry a CMS signature. */
    signingCertificate: z.string().min(1).optional(),
    signingKey: z.string().min(1).optional(),
    /** The bank's certificates or CA (PEM paths): replies and pushes must carry a signature that verifies. */
    bankCertificates: z.array(z.string().min(1)).min(1).optional(),
    signatureMode: z.enum(['detached', 'enveloped'], { error: 'must be detached or enveloped' }).default('detached'),
  })
  .superRefine((s, ctx) => {
    // half a signing pair would quietly send unsigned requests
    if ((s.signingCertificate === undefined) !== (s.signingKey === undefined)) {
      ctx.addIssue({ code: 'custom', path: [s.signingKey === undefined ? 'signingKey' : 'signingCertificate'], message: 'give signingCertificate and signingKey together' });
    }
    // Enveloped bodies are unreadable to a bank without our signature, and ours without the bank's certificates.
    if (s.signatureMode === 'enveloped' && !(s.signingCertificate && s.signingKey && s.bankCertificates)) {
      ctx.addIssue({ code: 'custom', path: ['signatureMode'], message: 'enveloped needs signingCertificate, signingKey and bankCertificates' });
    }
    if (s.profile === 'fi' && s.transferMessage === 'pain.001') ctx.addIssue({ code: 'custom', path: ['profile'], message: 'fi sends pacs.008: it contradicts transferMessage pain.001' });
  });

export type SignatureMode = 'detached' | 'enveloped';

export interface DemoSepaSettings {
  id: string;
  baseUrl: string;
  callTimeoutMs: number;
  /** The transport's own deadline; longer than `callTimeoutMs` so a late reply still reaches the engine. */
  requestTimeoutMs: number;
  /** `sepa`: pain.001 customer transfers (cancelled by camt.055); `fi`: pacs.008 interbank transfers (cancelled by camt.056). */
  transferMessage: 'pain.001' | 'pacs.008';
  /** `pacs.004`: a return of the transfer (default); `pain.001`: a new credit transfer back to the customer. */
  refundMessage: 'pacs.004' | 'pain.001';
  /** Inbound XSD findings recorded as evidence (at most `max` per message). */
  inboundFindings: FindingsOptions;
  parties: Parties;
  /** Run the outbound XSD gate (default true). */
  xsd: boolean;
  tls?: { key?: string; cert?: string; ca?: string };
  headers?: Record<string, string>;
  /** Railyard's signing certificate and key (PEM paths): requests carry a detached CMS signature. */
  signing?: { certificate: string; privateKey: string };
  /** The bank's certificates or CA (PEM paths): replies must carry a signature that verifies. */
  bankCertificates?: string[];
  /**
   * `detached` (default): the XML travels as it is, signatures in headers. `enveloped`: requests,
   * replies and pushes are DER CMS SignedData with the XML inside; needs `signing` and `bankCertificates`.
   */
  signatureMode: SignatureMode;
}

export class DemoSepaSettingsError extends Error {
  override readonly name = 'DemoSepaSettingsError';
}

export function readSettings(input: Record<string, unknown>): DemoSepaSettings {
  const s = parseSettings(settingsSchema, input, (message) => new DemoSepaSettingsError(`demo-sepa ${message}`));
  const tls = Object.fromEntries(Object.entries({ key: s.tlsKey, cert: s.tlsCert, ca: s.tlsCa }).filter(([, v]) => v !== undefined));
  return {
    signatureMode: s.signatureMode,
    ...(s.signingCertificate && s.signingKey ? { signing: { certificate: s.signingCertificate, privateKey: s.signingKey } } : {}),
    ...(s.bankCertificates ? { bankCertificates: s.bankCertificates } : {}),
    id: s.id,
    baseUrl: s.baseUrl,
    callTimeoutMs: s.callTimeoutMs,
    requestTimeoutMs: s.requestTimeoutMs ?? s.callTimeoutMs * 3,
    transferMessage: s.transferMessage ?? (s.profile === 'fi' ? 'pacs.008' : 'pain.001'),
    refundMessage: s.refundMessage,
    inboundFindings: { enabled: s.inboundXsd, max: s.maxInboundFindings },
    parties: {
      creditor: { name: s.creditorName, iban: s.creditorIban, ...(s.creditorBic ? { bic: s.creditorBic } : {}) },
      bankBic: s.bankBic,
    },
    xsd: s.xsd,
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
    ...(s.headers ? { headers: s.headers } : {}),
  };
}
