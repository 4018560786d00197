export { startIso8583Host, DEMO_MAC, DEMO_MAC_KEY_NAME, DEMO_FRAMING, type Iso8583Host, type Iso8583HostOptions, type HostFault, HOST_FAULTS } from './server.js';
export { HostLedger, type HostEntry, type HostJournalLine, type HostTxnKind } from './ledger.js';
export { HOST_TEST_CARDS } from './cards.js';
export { startHostAdmin, parseFaultSpec, HostControlError, type HostAdmin } from './admin.js';
