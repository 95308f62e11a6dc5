const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * A decimal number written as text, or NaN. Stricter than `Number()`: an empty cell is not 0,
 * and hexadecimal, `Infinity` or `nan` are not scores anyone meant to write.
 */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
}

/** Powers of ten that are exact doubles (10^22 is the last). */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;
const PLUS = 43;

/**
 * Parses a decimal from a byte range without creating a string. Plain decimals with at most
 * 15 digits take the fast path: the digits form an exact integer below 2^53 and dividing it by
 * an exact power of ten rounds once, so the result is the correctly rounded double — the same
 * number `Number()` gives (Clinger's fast path). Anything else goes through `parseDecimal`.
 */
export function parseDecimalBytes(bytes: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  const first = bytes[i];
  if (first === MINUS || first === PLUS) {
    negative = first === MINUS;
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let fractionDigits = 0;
  let sawDot = false;
  for (; i < end; i++) {
    const byte = bytes[i] as number;
    if (byte >= ZERO && byte <= NINE) {
      mantissa = mantissa * 10 + (byte - ZERO);
      digits++;
      if (sawDot) fractionDigits++;
    } else if (byte === DOT && !sawDot) {
      sawDot = true;
    } else {
      break;
    }
  }
  if (i === end && digits > 0 && digits <= 15) {
    const value = fractionDigits === 0 ? mantissa : mantissa / (POWERS_OF_TEN[fractionDigits] as number);
    return negative ? -value : value;
  }
  if (start === end) return Number.NaN;
  return parseDecimal(bytes.toString('latin1', start, end));
}
