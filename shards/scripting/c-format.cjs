// C's printf for %e, %f and %g (and the number printing of Lua 5.1's %.14g): exponents of at least
// two digits, trailing zeros dropped by %g, and exact ties rounded to even as glibc does (JS rounds
// them up: 0.125 with %.2f is "0.12" in C, "0.13" from toFixed). bundle.mjs patches fengari to use it.
"use strict";

/** The significant digits of |x|'s exact decimal expansion (up to 100 of them). */
const exactDigits = (x, fixed) => {
  const text = fixed ? x.toFixed(100 > fixed ? fixed : 100) : x.toPrecision(100);
  return text.replace(/e.*$/, "");
};

/** One ulp toward zero, so that a tie rounds down. */
const towardZero = (x) => {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) - 1n);
  return view.getFloat64(0);
};

/** A tie is the digit after the last kept one being 5 with only zeros after it; ties go to even. */
const tieToEven = (digits, kept) => digits[kept] === "5" && /^0*$/.test(digits.slice(kept + 1)) && Number(digits[kept - 1] ?? "0") % 2 === 0;

const exponential = (x, precision) => {
  const digits = exactDigits(x).replace(".", "").replace(/^0+/, "");
  if (x !== 0 && tieToEven(digits, precision + 1)) x = towardZero(x);
  const [mantissa, exponent] = x.toExponential(precision).split("e");
  return `${mantissa}e${exponent[0] === "-" ? "-" : "+"}${exponent.replace(/^[-+]/, "").padStart(2, "0")}`;
};

const fixed = (x, precision) => {
  if (x >= 1e21) return BigInt(x).toString() + (precision > 0 ? "." + "0".repeat(precision) : "");
  const text = exactDigits(x, precision + 30);
  const point = text.indexOf(".");
  const digits = text.slice(0, point) + text.slice(point + 1);
  if (x !== 0 && tieToEven(digits, point + precision)) x = towardZero(x);
  return x.toFixed(precision);
};

/** Formats a float as C does for one conversion: flags, width, precision and e/E/f/F/g/G. */
const cFormat = (flags, width, precision, conversion, n) => {
  const lower = conversion.toLowerCase();
  const negative = n < 0 || (n === 0 && 1 / n < 0);
  const x = Math.abs(n);
  let body;
  if (x !== x) body = "nan";
  else if (x === Infinity) body = "inf";
  else if (lower === "f") body = fixed(x, precision);
  else if (lower === "e") body = exponential(x, precision);
  else {
    const p = precision === 0 ? 1 : precision;
    const exponent = x === 0 ? 0 : Number(exponential(x, p - 1).split("e")[1]);
    body = p > exponent && exponent >= -4 ? fixed(x, p - 1 - exponent) : exponential(x, p - 1);
    if (!flags.includes("#")) body = body.includes("e") ? body.replace(/\.?0+e/, "e") : body.includes(".") ? body.replace(/\.?0+$/, "") : body;
  }
  if (conversion !== lower) body = body.toUpperCase();
  // A NaN prints as x86's default NaN, sign bit set ("-nan"): the one 0/0 gives, which JS cannot tell apart.
  const sign = negative || x !== x ? "-" : flags.includes("+") ? "+" : flags.includes(" ") ? " " : "";
  const pad = Math.max(0, width - sign.length - body.length);
  if (flags.includes("-")) return sign + body + " ".repeat(pad);
  if (flags.includes("0") && x === x && x !== Infinity) return sign + "0".repeat(pad) + body;
  return " ".repeat(pad) + sign + body;
};

/** A whole "%…x" spec (as fengari's scanformat builds it) applied to a number. */
const formatSpec = (spec, n) => {
  const match = /^%([-+ #0]*)(\d*)(?:\.(\d*))?([eEfFgG])$/.exec(spec);
  if (!match) throw new Error(`unsupported float format ${spec}`);
  const [, flags, width, precision, conversion] = match;
  return cFormat(flags, Number(width || 0), precision === undefined ? 6 : Number(precision || 0), conversion, n);
};

/** Lua 5.1's tostring: "%.14g". */
const numberToString = (n) => formatSpec("%.14g", n);

module.exports = { formatSpec, numberToString };
