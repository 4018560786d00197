/**
 * The simulator test values of ARCHITECTURE.md (a contract, documented in mocks/README.md): one
 * table that the sandbox connector and every bank simulator honour, so they cannot drift apart.
 */
export const TEST_CARDS = {
  declinedDoNotHonour: '4000000000000002',
  declinedInsufficientFunds: '4000000000009995',
  noReply: '4000000000000119',
  lateReply: '4000000000000259',
  badMac: '4000000000000010',
  approved: '4242424242424242',
} as const;

export const TEST_IBANS = {
  verified: { iban: 'DE89370400440532013000', name: 'Max Mustermann' },
  rejectedAC01: 'DE02120300000000202051',
  rejectedAM04: 'DE02100100100006820101',
  pendingThenAccepted: 'DE91100000000123456789',
} as const;
