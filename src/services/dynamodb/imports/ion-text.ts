/**
 * A reader for Amazon Ion's text format, as far as DynamoDB's Ion import needs it: the top-level
 * values of a document (each `{Item: {...}}`), mapped to DynamoDB AttributeValues the way
 * DynamoDB maps them. Ion types: strings and symbols → S, ints and decimals → N, blobs and clobs →
 * B, bools → BOOL, typed or untyped nulls → NULL, lists → L, structs → M, and lists annotated
 * `$dynamodb_SS`, `$dynamodb_NS` or `$dynamodb_BS` → the sets. Floats, timestamps and
 * S-expressions have no DynamoDB type and are errors. Comments and the `$ion_1_0` version marker
 * are skipped.
 */
import type { AttributeValue } from '../types.js';

export class IonSyntaxError extends Error {}

/** A parsed value with its annotations (struct fields keep their order). */
export type IonValue =
  | { t: 'string' | 'symbol' | 'number'; v: string; a: string[] }
  | { t: 'blob'; v: string; a: string[] }
  | { t: 'bool'; v: boolean; a: string[] }
  | { t: 'null'; a: string[] }
  | { t: 'list'; v: IonValue[]; a: string[] }
  | { t: 'struct'; v: [string, IonValue][]; a: string[] }
  | { t: 'unsupported'; v: string; a: string[] };

const IDENT_START = /[A-Za-z_$]/;
const IDENT = /[A-Za-z0-9_$]/;
const NUMBER_TOKEN = /^[-+0-9]/;
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '"': '"',
  "'": "'",
  '\\': '\\',
  '/': '/',
  '?': '?',
};

/** Containers nested deeper than this are refused (DynamoDB's own limit is 32 levels). */
const MAX_DEPTH = 64;

export class IonReader {
  private i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  /** The next top-level value, or undefined at the end (the version marker is skipped). */
  next(): IonValue | undefined {
    for (;;) {
      this.skipSpace();
      if (this.i >= this.s.length) return undefined;
      const v = this.value();
      if (v.t === 'symbol' && v.a.length === 0 && /^\$ion_\d+_\d+$/.test(v.v)) continue;
      return v;
    }
  }

  private fail(what: string): never {
    throw new IonSyntaxError(`${what} at offset ${this.i}`);
  }

  private skipSpace(): void {
    const s = this.s;
    for (;;) {
      const c = s[this.i];
      if (c === ' ' || c === '\n' || c === '\r' || c === '\t' || c === '\f' || c === '\v') this.i++;
      else if (c === '/' && s[this.i + 1] === '/') {
        const end = s.indexOf('\n', this.i);
        this.i = end < 0 ? s.length : end + 1;
      } else if (c === '/' && s[this.i + 1] === '*') {
        const end = s.indexOf('*/', this.i + 2);
        if (end < 0) this.fail('Unterminated comment');
        this.i = end + 2;
      } else return;
    }
  }

  private value(): IonValue {
    const annotations: string[] = [];
    for (;;) {
      this.skipSpace();
      const start = this.i;
      const sym = this.symbolToken();
      if (sym === undefined) break;
      this.skipSpace();
      if (this.s[this.i] === ':' && this.s[this.i + 1] === ':') {
        this.i += 2;
        annotations.push(sym.text);
        continue;
      }
      this.i = start;
      break;
    }
    this.skipSpace();
    const c = this.s[this.i];
    if (c === undefined) this.fail('Value expected');
    if (c === '{' && this.s[this.i + 1] === '{') return { t: 'blob', v: this.lob(), a: annotations };
    if (c === '{' || c === '[' || c === '(') {
      if (++this.depth > MAX_DEPTH) this.fail(`Values nested more than ${MAX_DEPTH} levels deep`);
      try {
        if (c === '{') return { t: 'struct', v: this.struct(), a: annotations };
        if (c === '[') return { t: 'list', v: this.sequence(']'), a: annotations };
        this.sequence(')');
        return { t: 'unsupported', v: 'sexp', a: annotations };
      } finally {
        this.depth--;
      }
    }
    if (c === '"') return { t: 'string', v: this.quoted('"'), a: annotations };
    if (c === "'" && this.s.startsWith("'''", this.i)) return { t: 'string', v: this.longString(), a: annotations };
    const sym = this.symbolToken();
    if (sym) {
      if (sym.quoted) return { t: 'symbol', v: sym.text, a: annotations };
      if (sym.text === 'true' || sym.text === 'false') return { t: 'bool', v: sym.text === 'true', a: annotations };
      if (sym.text === 'null') {
        if (this.s[this.i] === '.') {
          this.i++;
          const type = this.symbolToken();
          if (!type || type.quoted) this.fail('Null type expected');
        }
        return { t: 'null', a: annotations };
      }
      if (sym.text === 'nan') return { t: 'unsupported', v: 'float', a: annotations };
      return { t: 'symbol', v: sym.text, a: annotations };
    }
    if (NUMBER_TOKEN.test(c)) return this.numeric(annotations);
    this.fail(`Unexpected character '${c}'`);
  }

  /** An identifier or 'quoted symbol' at the cursor (consumed), else undefined. */
  private symbolToken(): { text: string; quoted: boolean } | undefined {
    const s = this.s;
    const c = s[this.i];
    if (c === "'" && !s.startsWith("'''", this.i)) return { text: this.quoted("'"), quoted: true };
    if (c === undefined || !IDENT_START.test(c)) return undefined;
    const start = this.i;
    while (this.i < s.length && IDENT.test(s[this.i]!)) this.i++;
    return { text: s.slice(start, this.i), quoted: false };
  }

  /** A "string" or 'symbol' at the cursor, unescaped. */
  private quoted(q: '"' | "'"): string {
    const s = this.s;
    const start = ++this.i;
    for (;;) {
      const c = s[this.i];
      if (c === undefined || c === '\n') this.fail('Unterminated string');
      if (c === q) break;
      this.i += c === '\\' ? 2 : 1;
    }
    const raw = s.slice(start, this.i++);
    return raw.includes('\\') ? this.unescape(raw) : raw;
  }

  /** One or more '''long strings''' (adjacent ones concatenate). */
  private longString(): string {
    let out = '';
    for (;;) {
      this.i += 3;
      let end = this.i;
      while (end < this.s.length && !this.s.startsWith("'''", end)) end += this.s[end] === '\\' ? 2 : 1;
      if (end >= this.s.length) this.fail('Unterminated long string');
      const raw = this.s.slice(this.i, end);
      out += raw.includes('\\') ? this.unescape(raw) : raw;
      this.i = end + 3;
      const save = this.i;
      this.skipSpace();
      if (!this.s.startsWith("'''", this.i)) {
        this.i = save;
        return out;
      }
    }
  }

  private unescape(raw: string): string {
    let out = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i]!;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = raw[++i];
      const simple = e === undefined ? undefined : ESCAPES[e];
      if (simple !== undefined) out += simple;
      else if (e === 'x' || e === 'u' || e === 'U') {
        const digits = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = raw.slice(i + 1, i + 1 + digits);
        if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) this.fail('Invalid escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        i += digits;
      } else if (e === '\r' && raw[i + 1] === '\n') i++;
      else if (e !== '\n') this.fail('Invalid escape');
    }
    return out;
  }

  /** {{ base64 }} (blob) or {{ "text" }} (clob), as base64. */
  private lob(): string {
    this.i += 2;
    this.skipSpace();
    let out: string;
    if (this.s[this.i] === '"') out = Buffer.from(this.quoted('"'), 'latin1').toString('base64');
    else if (this.s.startsWith("'''", this.i)) out = Buffer.from(this.longString(), 'latin1').toString('base64');
    else {
      const end = this.s.indexOf('}}', this.i);
      if (end < 0) this.fail('Unterminated blob');
      const b64 = this.s.slice(this.i, end).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) this.fail('Invalid base64 in blob');
      this.i = end;
      out = b64;
    }
    this.skipSpace();
    if (!this.s.startsWith('}}', this.i)) this.fail("'}}' expected");
    this.i += 2;
    return out;
  }

  private struct(): [string, IonValue][] {
    this.i++;
    const fields: [string, IonValue][] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === '}') {
        this.i++;
        return fields;
      }
      let name: string;
      if (this.s[this.i] === '"') name = this.quoted('"');
      else if (this.s.startsWith("'''", this.i)) name = this.longString();
      else {
        const sym = this.symbolToken();
        if (!sym) this.fail('Field name expected');
        name = sym.text;
      }
      this.skipSpace();
      if (this.s[this.i] !== ':') this.fail("':' expected");
      this.i++;
      fields.push([name, this.value()]);
      this.skipSpace();
      if (this.s[this.i] === ',') this.i++;
      else if (this.s[this.i] !== '}') this.fail("',' or '}' expected");
    }
  }

  private sequence(close: ']' | ')'): IonValue[] {
    this.i++;
    const out: IonValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.s[this.i] === close) {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skipSpace();
      if (close === ']') {
        if (this.s[this.i] === ',') this.i++;
        else if (this.s[this.i] !== ']') this.fail("',' or ']' expected");
      }
    }
  }

  /** An int, decimal, float or timestamp token, up to the next delimiter. */
  private numeric(a: string[]): IonValue {
    const start = this.i;
    while (this.i < this.s.length && /[^\s,\]})/:'"[{(]/.test(this.s[this.i]!)) this.i++;
    // A timestamp's time part holds colons: 2007-02-23T12:14:33.079-08:00.
    while (/^\d{4}-\d{2}-\d{2}T/.test(this.s.slice(start, this.i)) && this.s[this.i] === ':') {
      this.i++;
      while (this.i < this.s.length && /[0-9.+\-Z]/.test(this.s[this.i]!)) this.i++;
    }
    const tok = this.s.slice(start, this.i);
    const n = ionNumber(tok);
    if (n !== undefined) return { t: 'number', v: n, a };
    if (/^[+-]inf$|^-?\d[\d_]*(\.[\d_]*)?e[+-]?\d+$/i.test(tok)) return { t: 'unsupported', v: 'float', a };
    if (/^\d{4}(-\d{2}(-\d{2})?)?T?/.test(tok)) return { t: 'unsupported', v: 'timestamp', a };
    this.fail(`Invalid number '${tok}'`);
  }
}

/** An Ion int or decimal token as DynamoDB number text, or undefined for any other token. */
function ionNumber(tok: string): string | undefined {
  if (/^-?0[xX][0-9a-fA-F](_?[0-9a-fA-F])*$/.test(tok) || /^-?0[bB][01](_?[01])*$/.test(tok)) {
    const neg = tok.startsWith('-');
    const digits = tok.replace(/_/g, '').replace(/^-/, '');
    return (neg ? '-' : '') + BigInt(digits).toString();
  }
  const m = /^(-?)(\d(?:_?\d)*)(?:\.(\d(?:_?\d)*)?)?(?:[dD]([+-]?\d+))?$/.exec(tok);
  if (!m) return undefined;
  if (m[2]!.length > 1 && m[2]!.startsWith('0')) return undefined; // Ion forbids leading zeros
  const int = m[2]!.replace(/_/g, '');
  const frac = m[3]?.replace(/_/g, '') ?? '';
  return `${m[1]}${int}${frac ? `.${frac}` : ''}${m[4] !== undefined ? `E${m[4]}` : ''}`;
}

const SET_ANNOTATIONS: Record<string, 'SS' | 'NS' | 'BS'> = {
  $dynamodb_SS: 'SS',
  $dynamodb_NS: 'NS',
  $dynamodb_BS: 'BS',
};

/** An Ion value as a (not yet validated) DynamoDB AttributeValue; throws IonSyntaxError for types DynamoDB lacks. */
export function ionToAttributeValue(v: IonValue): AttributeValue {
  const set = v.a.map((a) => SET_ANNOTATIONS[a]).find((t) => t !== undefined);
  if (set) {
    if (v.t !== 'list') throw new IonSyntaxError(`${v.a.join('::')} annotates a ${v.t}, not a list`);
    const want = set === 'SS' ? ['string', 'symbol'] : set === 'NS' ? ['number'] : ['blob'];
    const members = v.v.map((m) => {
      if (!want.includes(m.t)) throw new IonSyntaxError(`A ${set} member is a ${m.t}`);
      return (m as { v: string }).v;
    });
    return { [set]: members } as AttributeValue;
  }
  switch (v.t) {
    case 'string':
    case 'symbol':
      return { S: v.v };
    case 'number':
      return { N: v.v };
    case 'blob':
      return { B: v.v };
    case 'bool':
      return { BOOL: v.v };
    case 'null':
      return { NULL: true };
    case 'list':
      return { L: v.v.map(ionToAttributeValue) };
    case 'struct':
      return { M: ionFields(v.v) };
    default:
      throw new IonSyntaxError(`Ion ${v.v} values have no DynamoDB type`);
  }
}

export function ionFields(fields: [string, IonValue][]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const [name, value] of fields) out[name] = ionToAttributeValue(value);
  return out;
}
