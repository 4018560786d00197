import type { SettingsSchema } from '../src/connector/settings.js';
import type { ConnectorFactory } from '../src/connector/types.js';
import { createDemoBatchConnector, settingsSchema as demoBatchSettings } from './demo-batch/index.js';
import { createDemoCardConnector, settingsSchema as demoCardSettings } from './demo-card/index.js';
import { createDemoSepaConnector, settingsSchema as demoSepaSettings } from './demo-sepa/index.js';
import { createSandboxConnector, settingsSchema as sandboxSettings } from './sandbox/index.js';

/** A connector type: its factory, and the zod schema of its `settings` block (camelCase keys). */
export interface ConnectorRegistration {
  create: ConnectorFactory;
  settings: SettingsSchema;
}

/**
 * The one registry: connector `type` (as written in the configuration) -> factory and settings
 * schema. The config loader rejects any `connectors[].type` not listed here, and checks each
 * `connectors[].settings` against its type's schema, so a typo or a bad value fails at start with
 * its key path, not mid-payment.
 *
 * Adding a bank: create `connectors/<id>/index.ts` exporting a factory built with
 * `defineConnector` and its `settingsSchema`, import both here and add one line, e.g.
 *
 *   import { createMyBankConnector, settingsSchema as myBankSettings } from './my-bank/index.js';
 *   ...
 *   'my-bank': { create: createMyBankConnector, settings: myBankSettings },
 */
export type ConnectorRegistry = Readonly<Record<string, ConnectorRegistration>>;

export const connectorRegistry: ConnectorRegistry = Object.freeze({
  sandbox: { create: createSandboxConnector, settings: sandboxSettings },
  'demo-card': { create: createDemoCardConnector, settings: demoCardSettings },
  'demo-sepa': { create: createDemoSepaConnector, settings: demoSepaSettings },
  'demo-batch': { create: createDemoBatchConnector, settings: demoBatchSettings },
});

/** Connector types on the batch rail: `railyard batch` and `railyard reconcile` build only these. */
export const batchConnectorTypes: ReadonlySet<string> = new Set(['demo-batch']);
