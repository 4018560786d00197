import { createWriteStream } from 'node:fs';
import type { Pain001v09, Pain001v09Transaction } from '../src/iso20022/index.js';

/** Inputs of the ISO 20022 benchmark: the same payments for every library, generated, never random. */

const IBANS = ['DE89370400440532013000', 'DE75512108001245126199', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'GB29NWBK60161331926819'];
const NAMES = ['Max Mustermann', 'Erika Musterfrau', 'Jean Dupont', 'Jan Jansen', 'Jane Smith'];

export interface BenchPayment {
  endToEndId: string;
  amountMinor: number;
  iban: string;
  name: string;
  remittance: string;
}

export function payment(i: number): BenchPayment {
  return {
    endToEndId: `E2E-${String(i).padStart(9, '0')}`,
    amountMinor: 100 + ((i * 7919) % 999_900),
    iban: IBANS[i % IBANS.length] ?? '',
    name: NAMES[i % NAMES.length] ?? '',
    remittance: `Invoice ${2026_000_000 + i}`,
  };
}

export function pain001Model(n: number): Pain001v09 {
  const transactions: Pain001v09Transaction[] = new Array<Pain001v09Transaction>(n);
  for (let i = 0; i < n; i++) {
    const p = payment(i);
    transactions[i] = {
      instructionId: `I-${i}`,
      endToEndId: p.endToEndId,
      amount: { amount: p.amountMinor, currency: 'EUR' },
      creditor: { name: p.name, postalAddress: { townName: 'Berlin', country: 'DE' } },
      creditorAccount: { iban: p.iban },
      remittanceInformation: { unstructured: [p.remittance] },
    };
  }
  return {
    groupHeader: { messageId: 'b3f1c8a0d2e54f6a9c7b1e2d3f4a5b6c', creationDateTime: '2026-11-27T10:15:30+01:00', initiatingParty: { name: 'ACME Trading GmbH' } },
    paymentInformation: [
      {
        paymentInformationId: 'PMTINF-BENCH',
        paymentMethod: 'TRF',
        paymentTypeInformation: { serviceLevels: [{ code: 'SEPA' }] },
        requestedExecutionDate: { date: '2026-11-30' },
        debtor: { name: 'ACME Trading GmbH', postalAddress: { townName: 'Frankfurt am Main', country: 'DE' } },
        debtorAccount: { iban: 'DE89370400440532013000' },
        debtorAgent: { bicfi: 'COBADEFFXXX' },
        chargeBearer: 'SLEV',
        transactions,
      },
    ],
  };
}

const minorToDecimal = (m: number): string => `${Math.floor(m / 100)}.${String(m % 100).padStart(2, '0')}`;

/** One booked credit of a generated statement. */
export interface StatementLine {
  amountMinor: number;
  endToEndId: string;
  uetr?: string;
  name: string;
  iban: string;
  remittance: string;
}

/**
 * A camt.053.001.08 statement of `n` booked credits with transaction details, streamed to disk in
 * 256 kB chunks with back-pressure; returns its size. The account servicer carries an `Othr/Id`
 * beside its BICFI: iso20022.js reads only the v02 `BIC` element and crashes on a v08 servicer
 * identified by BICFI alone.
 */
export async function writeStatement(
  path: string,
  n: number,
  spec: { id: string; line: (i: number) => StatementLine; openingMinor: number; closingMinor: number },
): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = (s: string): Promise<void> | void => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) return new Promise((r) => out.once('drain', () => r()));
  };
  await write(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
<BkToCstmrStmt>
<GrpHdr><MsgId>${spec.id}</MsgId><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm></GrpHdr>
<Stmt>
<Id>STMT-${spec.id}</Id>
<CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm>
<Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy><Svcr><FinInstnId><BICFI>COBADEFFXXX</BICFI><Othr><Id>37040044</Id></Othr></FinInstnId></Svcr></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${minorToDecimal(spec.openingMinor)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">${minorToDecimal(spec.closingMinor)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-27</Dt></Dt></Bal>
`);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const p = spec.line(i);
    const amt = minorToDecimal(p.amountMinor);
    const uetr = p.uetr ? `<UETR>${p.uetr}</UETR>` : '';
    chunk += `<Ntry><NtryRef>${i + 1}</NtryRef><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-27</Dt></BookgDt><ValDt><Dt>2026-11-27</Dt></ValDt><AcctSvcrRef>ASR${String(i).padStart(12, '0')}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>${p.endToEndId}</EndToEndId>${uetr}</Refs><Amt Ccy="EUR">${amt}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Pty><Nm>${p.name}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>${p.iban}</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>${p.remittance}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n`;
    if (chunk.length > 256 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk + '</Stmt>\n</BkToCstmrStmt>\n</Document>\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}

/** The ISO 20022 benchmark's statement: one credit per benchmark payment. */
export const writeCamt053 = (path: string, n: number): Promise<number> =>
  writeStatement(path, n, { id: 'BENCH-CAMT053-1', line: payment, openingMinor: 100_000, closingMinor: 200_000 });

/**
 * A pain.002.001.10 reporting on the benchmark's pain.001: `n` transactions, every tenth rejected
 * AM04 with a reason, the rest ACSC with the original amount, written in chunks.
 */
export async function writePain002(path: string, n: number): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  const write = (s: string): Promise<void> | void => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) return new Promise((r) => out.once('drain', () => r()));
  };
  await write(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10">
<CstmrPmtStsRpt>
<GrpHdr><MsgId>BENCH-PAIN002-1</MsgId><CreDtTm>2026-11-27T18:00:00+01:00</CreDtTm><DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>b3f1c8a0d2e54f6a9c7b1e2d3f4a5b6c</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><OrgnlNbOfTxs>${n}</OrgnlNbOfTxs><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>PMTINF-BENCH</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>
`);
  let chunk = '';
  for (let i = 0; i < n; i++) {
    const p = payment(i);
    const rejected = i % 10 === 0;
    chunk += `<TxInfAndSts><StsId>STS-${i}</StsId><OrgnlInstrId>I-${i}</OrgnlInstrId><OrgnlEndToEndId>${p.endToEndId}</OrgnlEndToEndId><TxSts>${rejected ? 'RJCT' : 'ACSC'}</TxSts>${
      rejected ? '<StsRsnInf><Rsn><Cd>AM04</Cd></Rsn><AddtlInf>Insufficient funds</AddtlInf></StsRsnInf>' : `<AccptncDtTm>2026-11-27T10:20:00+01:00</AccptncDtTm><AcctSvcrRef>ASR${String(i).padStart(12, '0')}</AcctSvcrRef>`
    }<OrgnlTxRef><Amt><InstdAmt Ccy="EUR">${minorToDecimal(p.amountMinor)}</InstdAmt></Amt><Cdtr><Pty><Nm>${p.name}</Nm></Pty></Cdtr><CdtrAcct><Id><IBAN>${p.iban}</IBAN></Id></CdtrAcct></OrgnlTxRef></TxInfAndSts>\n`;
    if (chunk.length > 256 * 1024) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk + '</OrgnlPmtInfAndSts>\n</CstmrPmtStsRpt>\n</Document>\n');
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return bytes;
}
