export type { DownloadOptions, FileTransport, RemoteEntry, UploadOptions } from './types.js';
export { TransportError, isTransportError, isRetryableKind, type TransportErrorInit, type TransportErrorKind, type TransportOp } from './errors.js';
export { ProfileError, validateSftpProfile, type RenameMode, type SftpProfile, type SftpTimeouts } from './profile.js';
export { SftpTransport, type SftpTransportOptions } from './sftp-transport.js';
export type { SessionEntry, SessionStat, SftpSession } from './session.js';
export { sha256Fingerprint } from './host-key.js';
export { withRetry, backoffDelay, type RetryOptions } from './retry.js';
export { MemoryTransport, type MemoryTransportOptions, type RecordedOp } from './memory-transport.js';
