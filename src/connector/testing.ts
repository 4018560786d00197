/**
 * `railyard/connector/testing`: the conformance kit every connector runs against its bank
 * simulator, and the in-process harness under it. A subpath of its own because the kit imports
 * vitest (an optional peer dependency): `railyard/connector`, which connectors import in
 * production, must load without test tools installed.
 */
export { runConnectorConformance, CONFORMANCE_TESTS, type ConformanceBank, type ConformanceOptions, type ConformanceTest, type Fault, type BankFlow } from './conformance.js';
export { createHarness, type Harness } from './harness.js';
