/** The object identifiers the trust layer reads and writes (RFC 5652, RFC 5753, RFC 3565). */
export const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  envelopedData: '1.2.840.113549.1.7.3',
  /** id-ct-authEnvelopedData (RFC 5083) */
  authEnvelopedData: '1.2.840.113549.1.9.16.1.23',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingTime: '1.2.840.113549.1.9.5',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  aes128Cbc: '2.16.840.1.101.3.4.1.2',
  aes192Cbc: '2.16.840.1.101.3.4.1.22',
  aes256Cbc: '2.16.840.1.101.3.4.1.42',
  /** id-aes{128,192,256}-GCM (RFC 5084) */
  aes128Gcm: '2.16.840.1.101.3.4.1.6',
  aes192Gcm: '2.16.840.1.101.3.4.1.26',
  aes256Gcm: '2.16.840.1.101.3.4.1.46',
  rsaesOaep: '1.2.840.113549.1.1.7',
  mgf1: '1.2.840.113549.1.1.8',
  aes128Wrap: '2.16.840.1.101.3.4.1.5',
  aes192Wrap: '2.16.840.1.101.3.4.1.25',
  aes256Wrap: '2.16.840.1.101.3.4.1.45',
  /** dhSinglePass-stdDH-sha{1,224,256,384,512}kdf-scheme */
  ecdhStdSha1: '1.3.133.16.840.63.0.2',
  ecdhStdSha224: '1.3.132.1.11.0',
  ecdhStdSha256: '1.3.132.1.11.1',
  ecdhStdSha384: '1.3.132.1.11.2',
  ecdhStdSha512: '1.3.132.1.11.3',
} as const;
