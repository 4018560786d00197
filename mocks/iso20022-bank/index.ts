export { startIso20022Bank, BANK_PATHS, type BankFault, type BankSignatureMode, type Iso20022Bank, type Iso20022BankOptions } from './server.js';
export { BankLedger, type BankFlow, type LedgerEntry } from './ledger.js';
export { BANK_TEST_IBANS, checkName, decideTransfer } from './accounts.js';
export { BANK_BIC, type StatusLevel } from './replies.js';
