/**
 * `railyard/batch`: the SFTP batch rail. Transfers queue until their bank's cut-off, leave as
 * pain.001 files over SFTP, and settle when the bank's pain.002, camt.053/054 and pacs.004 files
 * come back; statements are reconciled into typed breaks.
 *
 *   BatchRail           one bank's channel (queue, cut-off run, upload, inbound poll), used by connectors
 *   SftpTransport       host-key pinned, idempotent uploads, classified errors; MemoryTransport is its twin
 *   nextCutoff & co.    bank calendars (time zones, TARGET2 closing days)
 *   planBatchFiles      queued transfers -> XSD-valid pain.001.001.09 files
 *   protectOutbound     OpenPGP, detached or enveloped CMS per bank profile; unprotectInbound checks the way back
 *   reconcileStatement  a camt.053 stream against what we sent -> settlements and breaks
 */
export { BatchRail, type BatchRailOptions, type TickResult } from './rail.js';
export { batchProfileSchema, readBatchProfile, BatchProfileError, type BatchProfile, type BatchProfileInput } from './profile.js';
export { BatchRecords, breaksOn, statementsOn, type BatchItem, type BatchFile, type BreakRecord, type InboundRecord, type ItemStatus, type Settlement as SettlementState } from './records.js';
export { settlementSummary, type CutoffSummary } from './settlement.js';
export * from './calendar/index.js';
export * from './outbound/index.js';
export * from './protect/index.js';
export * from './transport/index.js';
export * from './reconcile/index.js';
