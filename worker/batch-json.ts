import { D, IMAGE_SIDE, PIXEL_MAX } from '../shared/dims';

// POST /classify/batch's JSON, read straight from the body's bytes into packed pixels (B, D) in one
// pass: JSON.parse would build an array per image (50,176 numbers for 64 images), the checks walk
// them once more and the packing once more, and the young generation fills with what is thrown away.
// only the shape clients write is read here: {"images": [[784 numbers] or [28 rows of 28], ...],
// "preprocess": true|false}, keys in any order, any JSON whitespace, numbers in 0..255 written as
// JSON writes them (1, 1.0, 1e2, -0, 127.49999999999999), after a UTF-8 BOM or not. anything else,
// valid or not (escaped or repeated keys), gives null and goes through JSON.parse and the zod schema
// (schemas.ts batchJson), which word every error, and only up to limits.batchParsedImages images:
// so this path never answers anything that path would refuse, and gives the same pixels for what it
// accepts.

export interface PackedBatch {
  pixels: Float32Array; // (B, D) 0..255
  B: number;
  preprocess: boolean;
}

const TAB = 0x09, LF = 0x0a, CR = 0x0d, SPACE = 0x20, QUOTE = 0x22, PLUS = 0x2b, COMMA = 0x2c, MINUS = 0x2d, DOT = 0x2e;
const ZERO = 0x30, NINE = 0x39, COLON = 0x3a, OPEN = 0x5b, CLOSE = 0x5d, E_UPPER = 0x45, E_LOWER = 0x65, BRACE = 0x7b, CLOSE_BRACE = 0x7d;

const ascii = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const IMAGES_KEY = ascii('"images"');
const PREPROCESS_KEY = ascii('"preprocess"');
const TRUE = ascii('true');
const FALSE = ascii('false');
const UTF8_BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

/** 10^0 .. 10^22: every one exact in a double */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));
/** significant digits of a mantissa that stay exact in a double (< 2^53) */
const EXACT_DIGITS = 15;
/** significant digits kept of a longer mantissa (the rest can move its value by less than 10^-18 of it) */
const KEPT_DIGITS = 19;
/** more than the relative error of a long mantissa's double: ≤ 19 roundings of 2^-53 and the digits dropped */
const SLACK = 2 ** -49;

/** the fewest bytes an image takes: D one-digit numbers, D − 1 commas and its brackets */
const MIN_IMAGE_BYTES = 2 * D + 1;

const isSpace = (c: number) => c === SPACE || c === LF || c === CR || c === TAB;
const isDigit = (c: number) => c >= ZERO && c <= NINE;

class Reader {
  at = 0;

  constructor(readonly bytes: Uint8Array) {}

  skipSpace(): void {
    const b = this.bytes;
    let at = this.at;
    while (isSpace(b[at])) at++;
    this.at = at;
  }

  /** the byte `c` next, after any whitespace: consumed and true, or false */
  eat(c: number): boolean {
    this.skipSpace();
    if (this.bytes[this.at] !== c) return false;
    this.at++;
    return true;
  }

  /** `word` next, byte for byte: consumed and true, or false */
  literal(word: Uint8Array): boolean {
    const b = this.bytes;
    for (let i = 0; i < word.length; i++) if (b[this.at + i] !== word[i]) return false;
    this.at += word.length;
    return true;
  }
}

/** the value of the last number decimal() read */
let decimalValue = 0;

/**
 * -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? from b[at]: the index after it, and in decimalValue
 * the value it packs to; -1 when it is not a JSON number, or when its packed value might differ from
 * JSON.parse's (left to JSON.parse then). mantissa × 10^exponent rounds once, as JSON.parse does, when
 * both are exact doubles (Clinger's fast case); a longer mantissa (numpy's 127.49999999999999) is
 * computed to within SLACK and kept only when every double that close packs to the same float32 and
 * lies in 0..255, so the pixel is JSON.parse's to the bit either way.
 */
function decimal(b: Uint8Array, at: number): number {
  const negative = b[at] === MINUS;
  if (negative) at++;
  let mantissa = 0, digits = 0, scale = 0;
  let c = b[at];
  if (c === ZERO) c = b[++at];
  else if (c > ZERO && c <= NINE) {
    do {
      if (digits < KEPT_DIGITS) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
      } else scale++; // a digit dropped from the integer part still counts its power of ten
      c = b[++at];
    } while (isDigit(c));
  } else return -1;
  if (c === DOT) {
    c = b[++at];
    if (!isDigit(c)) return -1;
    do {
      // the zeros of 0.00… are no digits of the mantissa, only of the scale
      if (mantissa === 0 && c === ZERO) scale--;
      else if (digits < KEPT_DIGITS) {
        mantissa = mantissa * 10 + (c - ZERO);
        digits++;
        scale--;
      }
      c = b[++at];
    } while (isDigit(c));
  }
  if (c === E_UPPER || c === E_LOWER) {
    c = b[++at];
    const minus = c === MINUS;
    if (minus || c === PLUS) c = b[++at];
    if (!isDigit(c)) return -1;
    let exponent = 0;
    do {
      if (exponent < 1000) exponent = exponent * 10 + (c - ZERO);
      c = b[++at];
    } while (isDigit(c));
    scale += minus ? -exponent : exponent;
  }
  if (mantissa === 0) {
    decimalValue = negative ? -0 : 0;
    return at;
  }
  if (negative || scale < -22 || scale > 22) return -1; // below 0 (JSON.parse refuses it too), or out of the exact powers
  const v = scale < 0 ? mantissa / POW10[-scale] : mantissa * POW10[scale];
  if (digits <= EXACT_DIGITS) decimalValue = v; // exact, none dropped: the double JSON.parse makes
  else {
    const lo = v - v * SLACK, hi = v + v * SLACK;
    const packed = Math.fround(v);
    if (!(lo >= 0 && hi <= PIXEL_MAX) || Math.fround(lo) !== packed || Math.fround(hi) !== packed) return -1;
    decimalValue = packed;
  }
  return at;
}

/**
 * n numbers in 0..255 separated by commas, then `]` (the opening `[` already read), into
 * out[o, o + n): the index after the `]`, or -1. the hot loop of the whole read: integers of one to
 * three digits are read here, any other number by decimal().
 */
function readNumbers(b: Uint8Array, at: number, out: Float32Array, o: number, n: number): number {
  for (let i = 0; i < n; i++) {
    let c = b[at];
    while (c <= SPACE && isSpace(c)) c = b[++at];
    const from = at;
    let v = c - ZERO; // not a digit: nothing is read below, and decimal() judges it
    if (v >= 0 && v <= 9) {
      c = b[++at];
      let d = c - ZERO;
      if (v !== 0 && d >= 0 && d <= 9) {
        v = v * 10 + d;
        c = b[++at];
        d = c - ZERO;
        if (d >= 0 && d <= 9) {
          v = v * 10 + d;
          c = b[++at];
        }
      }
    }
    if (at === from || (c !== COMMA && c !== CLOSE)) {
      // no digit (a separator where a number belongs: `[1,]` must not read `]` as 93 − 48), or a
      // fraction, an exponent, a sign, a longer number or a space before the separator
      at = decimal(b, from);
      if (at < 0) return -1;
      v = decimalValue;
      c = b[at];
      while (c <= SPACE && isSpace(c)) c = b[++at];
    }
    // as worker/pixels.ts checkRow; -0 passes and is kept, as JSON.parse keeps it
    if (!(v >= 0 && v <= PIXEL_MAX)) return -1;
    out[o + i] = v;
    if (c !== (i < n - 1 ? COMMA : CLOSE)) return -1;
    at++;
  }
  return at;
}

/** one image, 784 numbers or 28 rows of 28 (the first element decides, as checkPixels), into out[o, o + D) */
function readImage(r: Reader, out: Float32Array, o: number): boolean {
  if (!r.eat(OPEN)) return false;
  r.skipSpace();
  if (r.bytes[r.at] !== OPEN) return (r.at = readNumbers(r.bytes, r.at, out, o, D)) >= 0;
  for (let y = 0; y < IMAGE_SIDE; y++) {
    if ((y > 0 && !r.eat(COMMA)) || !r.eat(OPEN)) return false;
    if ((r.at = readNumbers(r.bytes, r.at, out, o + y * IMAGE_SIDE, IMAGE_SIDE)) < 0) return false;
  }
  return r.eat(CLOSE);
}

/** `[image, ...]` of 1..maxImages images */
function readImages(r: Reader, maxImages: number): { pixels: Float32Array; B: number } | null {
  if (!r.eat(OPEN)) return null;
  // no more images than the rest of the body can hold: a small body gets a small buffer
  const capacity = Math.min(maxImages, Math.floor((r.bytes.length - r.at) / MIN_IMAGE_BYTES));
  if (capacity < 1) return null;
  const pixels = new Float32Array(capacity * D);
  let B = 0;
  for (;;) {
    if (B === capacity || !readImage(r, pixels, B * D)) return null;
    B++;
    if (r.eat(CLOSE)) break;
    if (!r.eat(COMMA)) return null;
  }
  return { pixels: B === capacity ? pixels : pixels.subarray(0, B * D), B };
}

/** a batch body in the shape above, packed; null for anything else (the caller then parses it as JSON) */
export function packBatchJson(bytes: Uint8Array, maxImages: number): PackedBatch | null {
  const r = new Reader(bytes);
  r.literal(UTF8_BOM); // a body's text drops it before JSON.parse (some Windows tools write one)
  if (!r.eat(BRACE)) return null;
  let images: { pixels: Float32Array; B: number } | null = null;
  let preprocess: boolean | null = null;
  do {
    r.skipSpace();
    if (r.literal(IMAGES_KEY)) {
      if (images !== null || !r.eat(COLON)) return null; // a key twice: JSON.parse keeps the last, the slow path says what that means
      images = readImages(r, maxImages);
      if (images === null) return null;
    } else if (r.literal(PREPROCESS_KEY)) {
      if (preprocess !== null || !r.eat(COLON)) return null;
      r.skipSpace();
      if (r.literal(TRUE)) preprocess = true;
      else if (r.literal(FALSE)) preprocess = false;
      else return null;
    } else return null;
  } while (r.eat(COMMA));
  if (!r.eat(CLOSE_BRACE) || images === null) return null;
  r.skipSpace();
  if (r.at !== bytes.length) return null;
  return { pixels: images.pixels, B: images.B, preprocess: preprocess ?? false };
}
