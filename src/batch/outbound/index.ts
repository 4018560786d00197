/**
 * The batch rail's outbound side: queued transfers -> pain.001 files, and the names they travel under.
 */
export { BatchPlanError, paymentInformationIdFor, planBatchFiles, type BatchFileGroup, type BatchFilePlan, type BatchPlanContext } from './build-files.js';
export { FileNameError, renderFileName, validateNameTemplate, type FileNameVars } from './naming.js';
export {
  partitionQueuedTransfers,
  QueuedTransferError,
  validateQueuedTransfer,
  type FileProfile,
  type QueuedTransfer,
  type QueuedTransferProblem,
} from './queued-transfer.js';
