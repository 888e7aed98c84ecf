// C's printf("%.<P>g") and strtod for doubles, exactly as glibc does them (cjson writes and reads numbers
// through them): exact decimal expansion, rounding half to even.

/** The exact decimal value of a finite positive double: digits × 10^-scale. */
function exactDecimal(x: number): { digits: string; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exponent: number;
  if (biased === 0) exponent = -1074;
  else {
    mantissa |= 1n << 52n;
    exponent = biased - 1075;
  }
  if (exponent >= 0) return { digits: (mantissa << BigInt(exponent)).toString(), scale: 0 };
  return { digits: (mantissa * 5n ** BigInt(-exponent)).toString(), scale: -exponent };
}

/** JS keeps a NaN's sign bit (x86's 0/0 is the negative one, which glibc prints as "-nan"). */
function signBit(x: number): boolean {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  return view.getUint8(0) >= 0x80;
}

/** printf("%.<precision>g", x). */
export function formatG(x: number, precision: number): string {
  if (Number.isNaN(x)) return signBit(x) ? "-nan" : "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const P = Math.max(1, precision);
  const sign = x < 0 ? "-" : "";
  const abs = Math.abs(x);
  if (Number.isInteger(abs) && abs < 10 ** P && abs < 2 ** 53) return sign + String(abs);
  const exact = exactDecimal(abs);
  let digits = exact.digits.replace(/^0+/, "");
  let exponent = digits.length - 1 - exact.scale;
  if (digits.length > P) {
    const rest = digits.slice(P);
    let kept = digits.slice(0, P);
    const first = rest.charCodeAt(0) - 48;
    const tie = first === 5 && /^0*$/.test(rest.slice(1));
    const odd = (kept.charCodeAt(P - 1) - 48) % 2 === 1;
    if (first > 5 || (first === 5 && (!tie || odd))) {
      kept = (BigInt(kept) + 1n).toString();
      if (kept.length > P) {
        kept = kept.slice(0, P);
        exponent++;
      }
    }
    digits = kept;
  }
  if (exponent < -4 || exponent >= P) {
    const fraction = digits.slice(1).replace(/0+$/, "");
    const e = Math.abs(exponent);
    return `${sign}${digits[0]}${fraction ? "." + fraction : ""}e${exponent < 0 ? "-" : "+"}${e < 10 ? "0" + e : e}`;
  }
  if (exponent >= 0) {
    const padded = digits.padEnd(exponent + 1, "0");
    const fraction = padded.slice(exponent + 1).replace(/0+$/, "");
    return `${sign}${padded.slice(0, exponent + 1)}${fraction ? "." + fraction : ""}`;
  }
  return `${sign}0.${"0".repeat(-exponent - 1)}${digits.replace(/0+$/, "")}`;
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
const ascii = (bytes: Uint8Array, from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));

/**
 * strtod over the bytes from `start` (a byte past the end reads as NUL): the value and where it
 * stopped, or null when no number starts there. Decimal, hexadecimal, inf/infinity and nan forms.
 */
export function strtod(bytes: Uint8Array, start: number): { value: number; end: number } | null {
  const at = (i: number) => (i < bytes.length ? bytes[i]! : 0);
  let i = start;
  let negative = false;
  if (at(i) === 0x2b || at(i) === 0x2d) {
    negative = at(i) === 0x2d;
    i++;
  }
  const signed = (v: number) => (negative ? -v : v);
  const word = (w: string) => ascii(bytes, i, i + w.length).toLowerCase() === w;
  if (word("inf")) return { value: signed(Infinity), end: i + (word("infinity") ? 8 : 3) };
  if (word("nan")) {
    let end = i + 3;
    if (at(end) === 0x28) {
      let j = end + 1;
      while (isHex(at(j)) || isDigit(at(j)) || (at(j) | 0x20) >= 0x61 && (at(j) | 0x20) <= 0x7a || at(j) === 0x5f) j++;
      if (at(j) === 0x29) end = j + 1;
    }
    return { value: NaN, end };
  }
  if (at(i) === 0x30 && (at(i + 1) | 0x20) === 0x78 && (isHex(at(i + 2)) || (at(i + 2) === 0x2e && isHex(at(i + 3))))) {
    let j = i + 2;
    let mantissa = 0n;
    let fractionDigits = 0;
    let seenPoint = false;
    for (;; j++) {
      const c = at(j);
      if (isHex(c)) {
        mantissa = mantissa * 16n + BigInt(parseInt(String.fromCharCode(c), 16));
        if (seenPoint) fractionDigits++;
      } else if (c === 0x2e && !seenPoint) seenPoint = true;
      else break;
    }
    let exponent = 0;
    if ((at(j) | 0x20) === 0x70) {
      let k = j + 1;
      let expNegative = false;
      if (at(k) === 0x2b || at(k) === 0x2d) {
        expNegative = at(k) === 0x2d;
        k++;
      }
      if (isDigit(at(k))) {
        let e = 0;
        while (isDigit(at(k))) e = Math.min(e * 10 + at(k++) - 48, 1e6);
        exponent = expNegative ? -e : e;
        j = k;
      }
    }
    return { value: signed(Number(mantissa) * 2 ** (exponent - 4 * fractionDigits)), end: j };
  }
  let j = i;
  let mantissaDigits = 0;
  while (isDigit(at(j))) (j++, mantissaDigits++);
  if (at(j) === 0x2e) {
    j++;
    while (isDigit(at(j))) (j++, mantissaDigits++);
  }
  if (mantissaDigits === 0) return null;
  if ((at(j) | 0x20) === 0x65) {
    let k = j + 1;
    if (at(k) === 0x2b || at(k) === 0x2d) k++;
    if (isDigit(at(k))) {
      while (isDigit(at(k))) k++;
      j = k;
    }
  }
  return { value: signed(Number(ascii(bytes, i, j))), end: j };
}
