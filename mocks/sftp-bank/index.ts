export { startSftpBank, type SftpBank, type SftpBankOptions } from './server.js';
export { SftpBankCore, type Break, type Executed } from './bank.js';
export { SftpBankLedger, type Books, type MessageRecord, type Posting, type TxRecord } from './ledger.js';
export { fingerprintOf, generateHostKey, generateUserKey } from './keys.js';
export { decideTransaction } from './decide.js';
export type { StatementAccount } from './statement.js';
