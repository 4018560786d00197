/**
 * Building blocks shared by the 2019 message generation (pain.001.001.09, pacs.008.001.08,
 * camt.05x.001.08, ...). Field names are plain English; the XML tag is noted where it is not obvious.
 * Every value is the exact string of the message except amounts (integer minor units).
 */

/** An XSD choice between an external code (`Cd`) and a proprietary value (`Prtry`). */
export interface CodeOrProprietary {
  code?: string;
  proprietary?: string;
}

/** PostalAddress24. */
export interface PostalAddress {
  addressType?: string;
  department?: string;
  subDepartment?: string;
  streetName?: string;
  buildingNumber?: string;
  buildingName?: string;
  floor?: string;
  postBox?: string;
  room?: string;
  postCode?: string;
  townName?: string;
  townLocationName?: string;
  districtName?: string;
  countrySubDivision?: string;
  country?: string;
  addressLines?: string[];
}

/** Generic identification with optional scheme and issuer (Othr blocks). */
export interface GenericIdentification {
  id: string;
  schemeName?: CodeOrProprietary;
  issuer?: string;
}

export interface PartyIdentification {
  organisation?: { anyBic?: string; lei?: string; other?: GenericIdentification[] };
  person?: {
    birth?: { date: string; province?: string; city: string; country: string };
    other?: GenericIdentification[];
  };
}

export interface Contact {
  namePrefix?: string;
  name?: string;
  phone?: string;
  mobile?: string;
  email?: string;
}

/** PartyIdentification135 (Dbtr, Cdtr, InitgPty, Ultimate parties). */
export interface Party {
  name?: string;
  postalAddress?: PostalAddress;
  id?: PartyIdentification;
  countryOfResidence?: string;
  contact?: Contact;
}

/** CashAccount38: IBAN or another identification. */
export interface Account {
  iban?: string;
  other?: GenericIdentification;
  type?: CodeOrProprietary;
  currency?: string;
  name?: string;
  proxy?: { type?: CodeOrProprietary; id: string };
}

/** BranchAndFinancialInstitutionIdentification6. */
export interface Agent {
  bicfi?: string;
  clearingSystemMember?: { clearingSystem?: CodeOrProprietary; memberId: string };
  lei?: string;
  name?: string;
  postalAddress?: PostalAddress;
  other?: GenericIdentification;
  branch?: { id?: string; lei?: string; name?: string };
}

/** PaymentTypeInformation26 / 28 (ClrChanl only exists in the interbank one). */
export interface PaymentTypeInformation {
  instructionPriority?: string;
  clearingChannel?: string;
  serviceLevels?: CodeOrProprietary[];
  localInstrument?: CodeOrProprietary;
  categoryPurpose?: CodeOrProprietary;
}

export interface CreditorReference {
  type?: CodeOrProprietary;
  issuer?: string;
  reference?: string;
}

export interface ReferredDocument {
  type?: CodeOrProprietary;
  number?: string;
  relatedDate?: string;
}

export interface StructuredRemittance {
  referredDocuments?: ReferredDocument[];
  creditorReference?: CreditorReference;
  invoicer?: Party;
  invoicee?: Party;
  additionalInformation?: string[];
}

/** RemittanceInformation16. */
export interface RemittanceInformation {
  unstructured?: string[];
  structured?: StructuredRemittance[];
}

/** DateAndDateTime2Choice. */
export interface DateOrDateTime {
  date?: string;
  dateTime?: string;
}
