import type { Assignment, IdentificationInformation } from '../../common/assignment.js';

/** acmt.023.001.03 IdentificationVerificationRequestV03: "does this name hold this account?" */
export interface Acmt023v03 {
  assignment: Assignment;
  verifications: Array<{ id: string; partyAndAccount: IdentificationInformation }>;
}
