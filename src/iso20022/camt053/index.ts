import { parseCamt } from '../camt/parse.js';
import type { CamtDocument } from '../camt/model.js';
import type { Reader } from '../xml/reader.js';

export { streamCamt053, streamCamt053File, type Camt053StreamEvent, type Camt053StreamOptions } from './stream.js';

/** camt.053 BankToCustomerStatement, any version from .001.02 to .001.08 (read only). */
export const parseCamt053 = (doc: Reader): CamtDocument => parseCamt(doc, '053');
