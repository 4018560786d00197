/** The bank API transport for ISO 20022 connectors and its in-memory twin. */
export type { BankTransport, Headers, SignRequest, SignedRequest, TransportRequest, TransportResult } from './types.js';
export { createHttpTransport, type HttpTransportOptions, type TlsOptions } from './http.js';
export { MockTransport, replyWith, type MockHandler, type MockTransportOptions } from './mock.js';
export { errorCode, sentBeforeFailure } from './classify.js';
