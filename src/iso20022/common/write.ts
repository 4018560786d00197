import { el, leaf, leaves, optEl, type XmlChild, type XmlElement } from '../xml/writer.js';
import type {
  Account,
  Agent,
  CodeOrProprietary,
  DateOrDateTime,
  GenericIdentification,
  Party,
  PaymentTypeInformation,
  PostalAddress,
  RemittanceInformation,
} from './types.js';

/** Serialisers for the shared 2019 components, children in XSD sequence order. */

export function codeOrPrtry(name: string, v: CodeOrProprietary | undefined): XmlChild {
  if (!v) return undefined;
  return optEl(name, v.code !== undefined ? leaf('Cd', v.code) : leaf('Prtry', v.proprietary));
}

export function postalAddress(name: string, a: PostalAddress | undefined): XmlChild {
  if (!a) return undefined;
  return optEl(
    name,
    a.addressType !== undefined ? el('AdrTp', leaf('Cd', a.addressType)) : undefined,
    leaf('Dept', a.department),
    leaf('SubDept', a.subDepartment),
    leaf('StrtNm', a.streetName),
    leaf('BldgNb', a.buildingNumber),
    leaf('BldgNm', a.buildingName),
    leaf('Flr', a.floor),
    leaf('PstBx', a.postBox),
    leaf('Room', a.room),
    leaf('PstCd', a.postCode),
    leaf('TwnNm', a.townName),
    leaf('TwnLctnNm', a.townLocationName),
    leaf('DstrctNm', a.districtName),
    leaf('CtrySubDvsn', a.countrySubDivision),
    leaf('Ctry', a.country),
    leaves('AdrLine', a.addressLines),
  );
}

export function genericId(name: string, g: GenericIdentification | undefined): XmlChild {
  if (!g) return undefined;
  return el(name, leaf('Id', g.id), codeOrPrtry('SchmeNm', g.schemeName), leaf('Issr', g.issuer));
}

export function party(name: string, p: Party | undefined): XmlChild {
  if (!p) return undefined;
  const org = p.id?.organisation;
  const prs = p.id?.person;
  const id = org
    ? el('OrgId', leaf('AnyBIC', org.anyBic), leaf('LEI', org.lei), (org.other ?? []).map((o) => genericId('Othr', o)))
    : prs
      ? el(
          'PrvtId',
          prs.birth
            ? el(
                'DtAndPlcOfBirth',
                leaf('BirthDt', prs.birth.date),
                leaf('PrvcOfBirth', prs.birth.province),
                leaf('CityOfBirth', prs.birth.city),
                leaf('CtryOfBirth', prs.birth.country),
              )
            : undefined,
          (prs.other ?? []).map((o) => genericId('Othr', o)),
        )
      : undefined;
  const c = p.contact;
  return el(
    name,
    leaf('Nm', p.name),
    postalAddress('PstlAdr', p.postalAddress),
    id ? el('Id', id) : undefined,
    leaf('CtryOfRes', p.countryOfResidence),
    c
      ? optEl('CtctDtls', leaf('NmPrfx', c.namePrefix), leaf('Nm', c.name), leaf('PhneNb', c.phone), leaf('MobNb', c.mobile), leaf('EmailAdr', c.email))
      : undefined,
  );
}

export function account(name: string, a: Account | undefined): XmlChild {
  if (!a) return undefined;
  return el(
    name,
    optEl('Id', a.iban !== undefined ? leaf('IBAN', a.iban) : genericId('Othr', a.other)),
    codeOrPrtry('Tp', a.type),
    leaf('Ccy', a.currency),
    leaf('Nm', a.name),
    a.proxy ? el('Prxy', codeOrPrtry('Tp', a.proxy.type), leaf('Id', a.proxy.id)) : undefined,
  );
}

export function agent(name: string, a: Agent | undefined): XmlChild {
  if (!a) return undefined;
  const m = a.clearingSystemMember;
  return el(
    name,
    el(
      'FinInstnId',
      leaf('BICFI', a.bicfi),
      m ? el('ClrSysMmbId', codeOrPrtry('ClrSysId', m.clearingSystem), leaf('MmbId', m.memberId)) : undefined,
      leaf('LEI', a.lei),
      leaf('Nm', a.name),
      postalAddress('PstlAdr', a.postalAddress),
      genericId('Othr', a.other),
    ),
    a.branch ? optEl('BrnchId', leaf('Id', a.branch.id), leaf('LEI', a.branch.lei), leaf('Nm', a.branch.name)) : undefined,
  );
}

export function paymentTypeInformation(name: string, p: PaymentTypeInformation | undefined): XmlChild {
  if (!p) return undefined;
  return optEl(
    name,
    leaf('InstrPrty', p.instructionPriority),
    leaf('ClrChanl', p.clearingChannel),
    (p.serviceLevels ?? []).map((s) => codeOrPrtry('SvcLvl', s)),
    codeOrPrtry('LclInstrm', p.localInstrument),
    codeOrPrtry('CtgyPurp', p.categoryPurpose),
  );
}

export function remittance(name: string, r: RemittanceInformation | undefined): XmlChild {
  if (!r) return undefined;
  return optEl(
    name,
    leaves('Ustrd', r.unstructured),
    (r.structured ?? []).map((s) =>
      el(
        'Strd',
        (s.referredDocuments ?? []).map((d) =>
          el('RfrdDocInf', d.type ? el('Tp', codeOrPrtry('CdOrPrtry', d.type)) : undefined, leaf('Nb', d.number), leaf('RltdDt', d.relatedDate)),
        ),
        s.creditorReference
          ? el(
              'CdtrRefInf',
              s.creditorReference.type
                ? el('Tp', codeOrPrtry('CdOrPrtry', s.creditorReference.type), leaf('Issr', s.creditorReference.issuer))
                : undefined,
              leaf('Ref', s.creditorReference.reference),
            )
          : undefined,
        party('Invcr', s.invoicer),
        party('Invcee', s.invoicee),
        leaves('AddtlRmtInf', s.additionalInformation),
      ),
    ),
  );
}

export function dateOrDateTime(name: string, d: DateOrDateTime | undefined): XmlChild {
  if (!d) return undefined;
  return optEl(name, d.date !== undefined ? leaf('Dt', d.date) : leaf('DtTm', d.dateTime));
}

export type { XmlElement };

/**
 * Models may come from JSON (the CLI): a missing mandatory block is written empty so the XSD gate
 * reports the missing elements by path instead of the serializer failing on `undefined`.
 */
export const orEmpty = <T extends object>(v: T | undefined): T => v ?? ({} as T);
