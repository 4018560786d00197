/**
 * `railyard/connector`: what an integrator needs to add a bank. The contract (defineConnector,
 * capabilities, flows), the normalised outcomes and the shared test values. The conformance kit
 * lives in `railyard/connector/testing` (src/connector/testing.ts): it imports vitest, which a
 * production install does not have.
 */
export * from './types.js';
export * from './outcome.js';
export { fromBankId, toBankId } from './bank-id.js';
export { ConnectorSet } from './registry-types.js';
export { parseSettings, settingsIssues, settingsPath, type SettingsIssue, type SettingsSchema } from './settings.js';
export { TEST_CARDS, TEST_IBANS } from './test-values.js';
