/**
 * Exact decimal values as DynamoDB sees them: a sign, the significant digits (no leading or trailing
 * zeros) and the power of ten of the most significant digit. Parsing follows the grammar AWS accepts
 * (Java BigDecimal's): optional sign, digits with at most one '.', at least one digit, optional
 * exponent `e`/`E` with optional sign. No whitespace, no `NaN`, no `Infinity`, no hex.
 */
export interface Decimal {
  negative: boolean;
  /** Significant digits, without leading or trailing zeros; '' for zero. */
  digits: string;
  /** Power of ten of the first digit: 123 → 2, 0.05 → -2. 0 for zero. */
  exponent: number;
}

const SYNTAX = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?)(\d+))?$/;
const JAVA_INT_MAX = 2147483647;

/** The decimal value of `input`, or undefined when it is not a number AWS can parse. */
export function parseDecimal(input: string): Decimal | undefined {
  const m = SYNTAX.exec(input);
  if (!m) return undefined;
  const intPart = m[2] ?? '';
  const fracPart = m[3] ?? '';
  if (intPart.length === 0 && fracPart.length === 0) return undefined;
  let exp = 0;
  if (m[5] !== undefined) {
    const expDigits = m[5].replace(/^0+/, '');
    if (expDigits.length > 10) return undefined;
    const magnitude = expDigits.length ? Number(expDigits) : 0;
    if (magnitude > JAVA_INT_MAX) return undefined;
    exp = m[4] === '-' ? -magnitude : magnitude;
  }
  const all = intPart + fracPart;
  let first = 0;
  while (first < all.length && all.charCodeAt(first) === 48) first++;
  if (first === all.length) return { negative: false, digits: '', exponent: 0 };
  let last = all.length - 1;
  while (all.charCodeAt(last) === 48) last--;
  return {
    negative: m[1] === '-',
    digits: all.slice(first, last + 1),
    exponent: intPart.length - 1 - first + exp,
  };
}

/** Plain decimal notation, never an exponent: 1E+3 → '1000', 0.50 → '0.5', -0 → '0'. */
export function formatDecimal(d: Decimal): string {
  const { digits, exponent } = d;
  if (digits.length === 0) return '0';
  let body: string;
  if (exponent < 0) body = '0.' + '0'.repeat(-exponent - 1) + digits;
  else if (exponent >= digits.length - 1) body = digits + '0'.repeat(exponent - digits.length + 1);
  else body = digits.slice(0, exponent + 1) + '.' + digits.slice(exponent + 1);
  return d.negative ? '-' + body : body;
}

/** Numeric order of two decimals: negative, 0 or positive. */
export function compareDecimals(a: Decimal, b: Decimal): number {
  const sa = signOf(a);
  const sb = signOf(b);
  if (sa !== sb) return sa - sb;
  if (sa === 0) return 0;
  return sa * compareMagnitudes(a, b) || 0;
}

function signOf(d: Decimal): number {
  return d.digits.length === 0 ? 0 : d.negative ? -1 : 1;
}

function compareMagnitudes(a: Decimal, b: Decimal): number {
  if (a.exponent !== b.exponent) return a.exponent - b.exponent;
  // Same leading power: digit strings compare lexicographically (a missing digit is a zero, and
  // neither string ends in zero, so a proper prefix is the smaller value).
  return a.digits < b.digits ? -1 : a.digits > b.digits ? 1 : 0;
}

/** The decimal as an integer coefficient and a power of ten: value = coefficient × 10^scale. */
export function toScaled(d: Decimal): { coefficient: bigint; scale: number } {
  if (d.digits.length === 0) return { coefficient: 0n, scale: 0 };
  const coefficient = BigInt(d.digits);
  return { coefficient: d.negative ? -coefficient : coefficient, scale: d.exponent - d.digits.length + 1 };
}

/** The decimal equal to coefficient × 10^scale. */
export function fromScaled(coefficient: bigint, scale: number): Decimal {
  if (coefficient === 0n) return { negative: false, digits: '', exponent: 0 };
  const negative = coefficient < 0n;
  const text = (negative ? -coefficient : coefficient).toString();
  let end = text.length;
  while (text.charCodeAt(end - 1) === 48) end--;
  return { negative, digits: text.slice(0, end), exponent: scale + text.length - 1 };
}
