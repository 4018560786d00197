/**
 * Why a file was refused (inbound) or could not be protected (outbound). Every inbound failure is
 * final for that file: nothing from a file that fails here is ever read as bank data.
 */
export type FileProtectionErrorCode =
  /** A signature is present but does not match the data (tampered, truncated, re-signed). */
  | 'bad_signature'
  /** A signature was required and the file has none. */
  | 'unsigned'
  /** Signed by a key or certificate other than the bank's (or one not trusted any more). */
  | 'untrusted_signer'
  /** The file is encrypted but cannot be opened with our key (not for us, or damaged). */
  | 'decrypt_failed'
  /** The file is not a readable OpenPGP message or CMS signature. */
  | 'malformed'
  /** CMS protection needs a `.p7s` sidecar and none came with the file. */
  | 'missing_sidecar'
  /** A configured key cannot be read or used (wrong passphrase, no encryption subkey). */
  | 'bad_key'
  /** The protection settings ask for nothing or for something impossible. */
  | 'bad_config';

export class FileProtectionError extends Error {
  override readonly name = 'FileProtectionError';
  constructor(
    readonly code: FileProtectionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** The text of an underlying library error, for operators; never key material or file content. */
export const reasonOf = (err: unknown): string => (err instanceof Error ? err.message : 'unknown error');
