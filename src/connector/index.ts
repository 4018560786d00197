/**
 * `railyard/connector`: what an integrator needs to add a bank. The contract (defineConnector,
 * capabilities, flows), the normalised outcomes, the shared test values, and the conformance kit
 * with its in-process harness.
 */
export * from './types.js';
export * from './outcome.js';
export { fromBankId, toBankId } from './bank-id.js';
export { ConnectorSet } from './registry-types.js';
export { TEST_CARDS, TEST_IBANS } from './test-values.js';
export { runConnectorConformance, CONFORMANCE_TESTS, type ConformanceBank, type ConformanceOptions, type ConformanceTest, type Fault, type BankFlow } from './conformance.js';
export { createHarness, type Harness } from './harness.js';
