/**
 * DynamoDB numbers: validation, canonical form, ordering and exact arithmetic. Never JS `number`.
 * Limits: at most 38 significant digits, magnitude 1E-130 .. 9.99…E+125 (either sign), or zero.
 */
import { invalid } from '../errors.js';
import { compareDecimals, formatDecimal, fromScaled, parseDecimal, toScaled, type Decimal } from './decimal.js';
import { messages } from './messages.js';

export const MAX_SIGNIFICANT_DIGITS = 38;
/** Power of ten of the leading digit of the largest magnitude (9.99…E+125). */
export const MAX_EXPONENT = 125;
/** Power of ten of the smallest magnitude (1E-130). */
export const MIN_EXPONENT = -130;

/** The decimal value of `input`; throws AWS's "cannot be converted" ValidationException. */
export function decimalOf(input: string): Decimal {
  const d = parseDecimal(input);
  if (!d) throw invalid(messages.notNumeric(input));
  return d;
}

/** The AWS message for a value out of DynamoDB's number range, or undefined when it fits. */
export function numberRangeError(d: Decimal): string | undefined {
  if (d.digits.length === 0) return undefined;
  if (d.exponent > MAX_EXPONENT) return messages.overflow;
  if (d.exponent < MIN_EXPONENT) return messages.underflow;
  if (d.digits.length > MAX_SIGNIFICANT_DIGITS) return messages.tooManyDigits;
  return undefined;
}

/** Validate a wire number and return its canonical plain-decimal form ('1e3' → '1000', '-0' → '0'). */
export function normalizeNumber(input: string): string {
  const d = decimalOf(input);
  const error = numberRangeError(d);
  if (error) throw invalid(error);
  return formatDecimal(d);
}

/** Numeric order: negative when a < b, 0 when equal, positive when a > b. */
export function compareNumbers(a: string, b: string): number {
  return compareDecimals(decimalOf(a), decimalOf(b));
}

/** a + b, exact, canonical; ValidationException when the result leaves DynamoDB's range. */
export function addNumbers(a: string, b: string): string {
  return arithmetic(a, b, 1n);
}

/** a - b, exact, canonical; ValidationException when the result leaves DynamoDB's range. */
export function subtractNumbers(a: string, b: string): string {
  return arithmetic(a, b, -1n);
}

function arithmetic(a: string, b: string, sign: bigint): string {
  const x = toScaled(decimalOf(a));
  const y = toScaled(decimalOf(b));
  const scale = Math.min(x.scale, y.scale);
  const sum = x.coefficient * 10n ** BigInt(x.scale - scale) + sign * y.coefficient * 10n ** BigInt(y.scale - scale);
  const result = fromScaled(sum, scale);
  const error = numberRangeError(result);
  // AWS reports an arithmetic result needing more than 38 digits as an overflow, not as a precision error.
  if (error) throw invalid(error === messages.tooManyDigits ? messages.overflow : error);
  return formatDecimal(result);
}
