import type { Reader } from '../xml/reader.js';
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

/**
 * Readers for the shared components. They also accept the older tag names (camt .001.02/.04:
 * `BIC` for `BICFI`, `BICOrBEI` for `AnyBIC`) so one reader serves every statement version.
 * Absent optional elements give `undefined`, so the model of a parsed message holds exactly what
 * the message held.
 */

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);

export function codeOrPrtry(r: Reader | undefined): CodeOrProprietary | undefined {
  if (!r) return undefined;
  const code = r.str('Cd');
  return code !== undefined ? { code } : { proprietary: r.str('Prtry') ?? '' };
}

export function postalAddress(r: Reader | undefined): PostalAddress | undefined {
  if (!r) return undefined;
  return {
    addressType: r.opt('AdrTp')?.str('Cd') ?? r.str('AdrTp'),
    department: r.str('Dept'),
    subDepartment: r.str('SubDept'),
    streetName: r.str('StrtNm'),
    buildingNumber: r.str('BldgNb'),
    buildingName: r.str('BldgNm'),
    floor: r.str('Flr'),
    postBox: r.str('PstBx'),
    room: r.str('Room'),
    postCode: r.str('PstCd'),
    townName: r.str('TwnNm'),
    townLocationName: r.str('TwnLctnNm'),
    districtName: r.str('DstrctNm'),
    countrySubDivision: r.str('CtrySubDvsn'),
    country: r.str('Ctry'),
    addressLines: r.strs('AdrLine'),
  };
}

export function genericId(r: Reader | undefined): GenericIdentification | undefined {
  if (!r) return undefined;
  return { id: r.reqStr('Id'), schemeName: codeOrPrtry(r.opt('SchmeNm')), issuer: r.str('Issr') };
}

const ids = (r: Reader): GenericIdentification[] | undefined =>
  nonEmpty(r.all('Othr').map((o) => genericId(o)).filter((g): g is GenericIdentification => g !== undefined));

export function party(r: Reader | undefined): Party | undefined {
  if (!r) return undefined;
  const id = r.opt('Id');
  const org = id?.opt('OrgId');
  const prs = id?.opt('PrvtId');
  const birth = prs?.opt('DtAndPlcOfBirth');
  const ctct = r.opt('CtctDtls');
  return {
    name: r.str('Nm'),
    postalAddress: postalAddress(r.opt('PstlAdr')),
    id: org
      ? { organisation: { anyBic: org.str('AnyBIC') ?? org.str('BICOrBEI') ?? org.str('BIC'), lei: org.str('LEI'), other: ids(org) } }
      : prs
        ? {
            person: {
              birth: birth
                ? {
                    date: birth.reqStr('BirthDt'),
                    province: birth.str('PrvcOfBirth'),
                    city: birth.reqStr('CityOfBirth'),
                    country: birth.reqStr('CtryOfBirth'),
                  }
                : undefined,
              other: ids(prs),
            },
          }
        : undefined,
    countryOfResidence: r.str('CtryOfRes'),
    contact: ctct
      ? { namePrefix: ctct.str('NmPrfx'), name: ctct.str('Nm'), phone: ctct.str('PhneNb'), mobile: ctct.str('MobNb'), email: ctct.str('EmailAdr') }
      : undefined,
  };
}

export function account(r: Reader | undefined): Account | undefined {
  if (!r) return undefined;
  // Id is optional in CashAccount40 (acmt); mandatory elsewhere, which the XSD checks.
  const id = r.opt('Id');
  const prxy = r.opt('Prxy');
  return {
    iban: id?.str('IBAN'),
    other: genericId(id?.opt('Othr')),
    type: codeOrPrtry(r.opt('Tp')),
    currency: r.str('Ccy'),
    name: r.str('Nm'),
    proxy: prxy ? { type: codeOrPrtry(prxy.opt('Tp')), id: prxy.reqStr('Id') } : undefined,
  };
}

export function agent(r: Reader | undefined): Agent | undefined {
  if (!r) return undefined;
  const fi = r.req('FinInstnId');
  const m = fi.opt('ClrSysMmbId');
  const b = r.opt('BrnchId');
  return {
    bicfi: fi.str('BICFI') ?? fi.str('BIC'),
    clearingSystemMember: m ? { clearingSystem: codeOrPrtry(m.opt('ClrSysId')), memberId: m.reqStr('MmbId') } : undefined,
    lei: fi.str('LEI'),
    name: fi.str('Nm'),
    postalAddress: postalAddress(fi.opt('PstlAdr')),
    other: genericId(fi.opt('Othr')),
    branch: b ? { id: b.str('Id'), lei: b.str('LEI'), name: b.str('Nm') } : undefined,
  };
}

export function paymentTypeInformation(r: Reader | undefined): PaymentTypeInformation | undefined {
  if (!r) return undefined;
  return {
    instructionPriority: r.str('InstrPrty'),
    clearingChannel: r.str('ClrChanl'),
    serviceLevels: nonEmpty(r.all('SvcLvl').map((s) => codeOrPrtry(s) ?? {})),
    localInstrument: codeOrPrtry(r.opt('LclInstrm')),
    categoryPurpose: codeOrPrtry(r.opt('CtgyPurp')),
  };
}

export function remittance(r: Reader | undefined): RemittanceInformation | undefined {
  if (!r) return undefined;
  return {
    unstructured: r.strs('Ustrd'),
    structured: nonEmpty(
      r.all('Strd').map((s) => {
        const cri = s.opt('CdtrRefInf');
        return {
          referredDocuments: nonEmpty(
            s.all('RfrdDocInf').map((d) => ({
              type: codeOrPrtry(d.opt('Tp')?.opt('CdOrPrtry')),
              number: d.str('Nb'),
              relatedDate: d.str('RltdDt'),
            })),
          ),
          creditorReference: cri
            ? {
                type: codeOrPrtry(cri.opt('Tp')?.opt('CdOrPrtry')),
                issuer: cri.opt('Tp')?.str('Issr'),
                reference: cri.str('Ref'),
              }
            : undefined,
          invoicer: party(s.opt('Invcr')),
          invoicee: party(s.opt('Invcee')),
          additionalInformation: s.strs('AddtlRmtInf'),
        };
      }),
    ),
  };
}

export function dateOrDateTime(r: Reader | undefined): DateOrDateTime | undefined {
  if (!r) return undefined;
  // Older versions (pain.001.001.03) carry a bare ISODate instead of the Dt/DtTm choice.
  if (r.node.children.length === 0) return { date: r.text().trim() };
  return { date: r.str('Dt'), dateTime: r.str('DtTm') };
}
