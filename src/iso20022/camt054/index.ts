import { parseCamt } from '../camt/parse.js';
import type { CamtDocument } from '../camt/model.js';
import type { Reader } from '../xml/reader.js';

/** camt.054 BankToCustomerDebitCreditNotification, .001.02 to .001.08 (read only). */
export const parseCamt054 = (doc: Reader): CamtDocument => parseCamt(doc, '054');
