import { z } from 'zod';
import { parseSettings } from '../../src/connector/settings.js';

/** The `sandbox` connector's settings: how its in-process bank behaves. */
export const settingsSchema = z.strictObject({
  id: z.string().min(1).default('sandbox'),
  callTimeoutMs: z.number().int().positive().default(3_000),
  /** How long after the timeout a late reply arrives. */
  lateByMs: z.number().int().min(0).default(1_000),
  /** How long a pending account transfer takes to settle. */
  settleAfterMs: z.number().int().min(0).default(5_000),
  latencyMs: z.number().int().min(0).default(0),
  /** The bank's journal, so the in-process bank outlives a crash of Railyard. */
  journalPath: z.string().min(1).optional(),
});

export type SandboxSettings = z.output<typeof settingsSchema>;

export class SandboxSettingsError extends Error {
  override readonly name = 'SandboxSettingsError';
}

export const readSettings = (input: Record<string, unknown>): SandboxSettings =>
  parseSettings(settingsSchema, input, (message) => new SandboxSettingsError(`sandbox ${message}`));
