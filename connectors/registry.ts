import type { ConnectorFactory } from '../src/connector/types.js';
import { createDemoBatchConnector } from './demo-batch/index.js';
import { createDemoCardConnector } from './demo-card/index.js';
import { createDemoSepaConnector } from './demo-sepa/index.js';
import { createSandboxConnector } from './sandbox/index.js';

/**
 * The one registry: connector `type` (as written in the configuration) -> factory. The config
 * loader rejects any `connectors[].type` not listed here, so a typo fails at start, not mid-payment.
 *
 * Adding a bank: create `connectors/<id>/index.ts` exporting a factory built with
 * `defineConnector`, import it here and add one line, e.g.
 *
 *   import { createDemoCardConnector } from './demo-card/index.js';
 *   import { createDemoSepaConnector } from './demo-sepa/index.js';
 *   import { createDemoBatchConnector } from './demo-batch/index.js';
 *   ...
 *   'demo-card': createDemoCardConnector,
 *   'demo-sepa': createDemoSepaConnector,
 *   'demo-batch': createDemoBatchConnector,
 */
export type ConnectorRegistry = Readonly<Record<string, ConnectorFactory>>;

export const connectorRegistry: ConnectorRegistry = Object.freeze({
  sandbox: createSandboxConnector,
  'demo-card': createDemoCardConnector,
  'demo-sepa': createDemoSepaConnector,
  'demo-batch': createDemoBatchConnector,
});

/** Connector types on the batch rail: `railyard batch` and `railyard reconcile` build only these. */
export const batchConnectorTypes: ReadonlySet<string> = new Set(['demo-batch']);
