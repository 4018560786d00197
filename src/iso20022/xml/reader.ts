import { MoneyError, decimalToMinor, toSafeAmount } from '../../domain/money.js';
import { Iso20022ParseError } from '../errors.js';
import type { Amount } from '../money.js';
import type { XNode } from './tree.js';

/**
 * Path-aware navigation over a parsed element. Every error a message reader raises goes through
 * here, so each names the element path (`Document/.../CdtTrfTxInf[2]/Amt/InstdAmt`).
 * Repeated elements get a 1-based index only when they actually repeat.
 */
export class Reader {
  constructor(
    readonly node: XNode,
    readonly path: string,
  ) {}

  static root(node: XNode): Reader {
    return new Reader(node, node.name);
  }

  get name(): string {
    return this.node.name;
  }

  opt(name: string): Reader | undefined {
    // Called for every optional element of every transaction: one pass, no intermediate array.
    const children = this.node.children;
    let first: XNode | undefined;
    let repeated = false;
    for (let i = 0; i < children.length; i++) {
      const c = children[i] as XNode;
      if (c.name !== name) continue;
      if (first) {
        repeated = true;
        break;
      }
      first = c;
    }
    if (!first) return undefined;
    return new Reader(first, repeated ? `${this.path}/${name}[1]` : `${this.path}/${name}`);
  }

  req(name: string): Reader {
    const r = this.opt(name);
    if (!r) throw new Iso20022ParseError('missing_element', `required element ${name} is missing`, `${this.path}/${name}`);
    return r;
  }

  all(name: string): Reader[] {
    const found = this.node.children.filter((c) => c.name === name);
    return found.map((n, i) => new Reader(n, found.length > 1 ? `${this.path}/${name}[${i + 1}]` : `${this.path}/${name}`));
  }

  /** The single element child, for XSD choices. */
  choice(): Reader | undefined {
    const c = this.node.children[0];
    return c ? new Reader(c, `${this.path}/${c.name}`) : undefined;
  }

  text(): string {
    return this.node.text;
  }

  str(name: string): string | undefined {
    return this.opt(name)?.text();
  }

  reqStr(name: string): string {
    return this.req(name).text();
  }

  strs(name: string): string[] | undefined {
    const list = this.all(name).map((r) => r.text());
    return list.length > 0 ? list : undefined;
  }

  attr(name: string): string | undefined {
    return this.node.attrs[name];
  }

  fail(message: string, code: 'invalid_value' | 'inconsistent_totals' = 'invalid_value'): never {
    throw new Iso20022ParseError(code, message, this.path);
  }

  /** Non-negative integer text (NbOfTxs, counts), refusing signs, spaces and decimals. */
  count(name: string): number | undefined {
    const r = this.opt(name);
    if (!r) return undefined;
    if (!/^[0-9]{1,15}$/.test(r.text())) r.fail(`"${r.text()}" is not a count`);
    return Number(r.text());
  }

  boolean(name: string): boolean | undefined {
    // xs:boolean collapses whitespace, so " true " is a valid true.
    const v = this.str(name)?.trim();
    if (v === undefined) return undefined;
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    return this.req(name).fail(`"${v}" is not a boolean`);
  }

  /** `<X Ccy="EUR">1.15</X>` -> { amount: 115, currency: 'EUR' } in minor units. */
  amountValue(): Amount {
    const currency = this.attr('Ccy');
    if (currency === undefined) this.fail('amount without a Ccy attribute');
    try {
      return { amount: toSafeAmount(decimalToMinor(this.text().trim(), currency)), currency };
    } catch (e) {
      if (e instanceof MoneyError) {
        const code = e.code === 'too_many_decimals' || e.code === 'unknown_currency' ? e.code : 'invalid_amount';
        throw new Iso20022ParseError(code, e.message, this.path);
      }
      throw e;
    }
  }

  amount(name: string): Amount | undefined {
    return this.opt(name)?.amountValue();
  }

  reqAmount(name: string): Amount {
    return this.req(name).amountValue();
  }
}
