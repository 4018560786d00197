import { parseCamt } from '../camt/parse.js';
import type { CamtDocument } from '../camt/model.js';
import type { Reader } from '../xml/reader.js';

/** camt.052 BankToCustomerAccountReport, .001.01 to .001.08 (read only). */
export const parseCamt052 = (doc: Reader): CamtDocument => parseCamt(doc, '052');
