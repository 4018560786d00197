import type { Assignment, IdentificationInformation } from '../../common/assignment.js';
import type { Agent, CodeOrProprietary } from '../../common/types.js';

/** acmt.024.001.03 IdentificationVerificationReportV03: the answer to an acmt.023. */
export interface Acmt024v03 {
  assignment: Assignment;
  originalAssignment?: { messageId?: string; creationDateTime?: string; firstAgent?: Agent };
  reports: Acmt024v03Report[];
}

export interface Acmt024v03Report {
  /** The `Vrfctn/Id` of the request. */
  originalId: string;
  /** Vrfctn: true when the identification matches. */
  verified: boolean;
  /** ExternalVerificationReason1Code (e.g. NMTC no match, MTCH) or proprietary. */
  reason?: CodeOrProprietary;
  original?: IdentificationInformation;
  /** What the bank says is right (e.g. the account holder's name on a close match). */
  updated?: IdentificationInformation;
}
