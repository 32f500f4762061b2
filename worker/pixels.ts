import { D, IMAGE_SIDE, PIXEL_MAX } from '../shared/dims';

// the JSON pixel shapes every route accepts (784 numbers, or 28 rows of 28), checked in one typed
// loop per image. zod would build an issue object for every bad value (200,704 for a batch of -1s);
// this loop words the first few problems and only counts the rest, so a request that is wrong
// everywhere costs no more than a valid one of its size.

export type JsonPixels = number[] | number[][];

/** how many problems an error message spells out; the rest are counted */
export const MAX_REPORTED = 3;

export type Path = (string | number)[];

/** the message of the marker issue that carries the count of problems not worded (validation.ts adds it up) */
export const MORE_PROBLEMS = 'and more problems';

/** the first MAX_REPORTED problems, worded, and how many more there were */
export class Problems {
  readonly listed: { path: Path; message: string }[] = [];
  more = 0;

  /** true once the list is full: callers then only count, building no message */
  get full(): boolean {
    return this.listed.length >= MAX_REPORTED;
  }

  add(path: Path, message: string): void {
    if (this.full) this.more++;
    else this.listed.push({ path, message });
  }

  get count(): number {
    return this.listed.length + this.more;
  }
}

/** a value as an error message quotes it: short, and never the whole of a long string */
export function summarizeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + '…' : value)}`;
  if (typeof value === 'number') return String(value);
  return `a ${typeof value}`;
}

function pixelProblem(v: unknown): string {
  if (typeof v !== 'number') return `is not a number (got ${summarizeValue(v)})`;
  if (!Number.isFinite(v)) return `is ${v}, not a finite number`;
  return `= ${v} is outside 0..${PIXEL_MAX}`;
}

/** checks one row of numbers; `path` is the row's, extended with the index only for a worded problem */
function checkRow(row: unknown[], path: Path, problems: Problems): void {
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    // typeof first: NaN and ±Infinity fail the range test too, and JSON can only give Infinity (1e400)
    if (typeof v === 'number' && v >= 0 && v <= PIXEL_MAX) continue;
    if (problems.full) problems.more++; // no path or message to build
    else problems.add([...path, i], pixelProblem(v));
  }
}

/**
 * adds the problems of one image to `problems` (paths start with `path`); true when it has none.
 * the shape follows the first element: an array there means 28 rows of 28, anything else 784 values.
 */
export function checkPixels(value: unknown, path: Path, problems: Problems): boolean {
  const before = problems.count;
  if (value === undefined) {
    problems.add(path, 'is required');
  } else if (!Array.isArray(value)) {
    problems.add(path, `must be an array of ${D} numbers or ${IMAGE_SIDE} arrays of ${IMAGE_SIDE} (got ${summarizeValue(value)})`);
  } else if (!Array.isArray(value[0])) {
    if (value.length !== D) problems.add(path, `must have ${D} values, got ${value.length}`);
    checkRow(value, path, problems);
  } else {
    if (value.length !== IMAGE_SIDE) problems.add(path, `must have ${IMAGE_SIDE} rows, got ${value.length}`);
    for (let y = 0; y < value.length; y++) {
      const row: unknown = value[y];
      if (!Array.isArray(row)) problems.add([...path, y], `must be a row of ${IMAGE_SIDE} numbers (got ${summarizeValue(row)})`);
      else {
        if (row.length !== IMAGE_SIDE) problems.add([...path, y], `must have ${IMAGE_SIDE} values, got ${row.length}`);
        checkRow(row, [...path, y], problems);
      }
    }
  }
  return problems.count === before;
}

/** a batch: 1..max images, each checked as above with its index in the path */
export function checkImages(value: unknown, max: number, problems: Problems): void {
  if (value === undefined) problems.add([], 'is required');
  else if (!Array.isArray(value)) problems.add([], `must be an array of 1..${max} images (got ${summarizeValue(value)})`);
  else if (value.length < 1 || value.length > max) problems.add([], `must have 1..${max} images, got ${value.length}`);
  else for (let i = 0; i < value.length; i++) checkPixels(value[i], [i], problems);
}

/** writes a checked image's 784 values into out[at, at + 784) */
export function packPixels(pixels: JsonPixels, out: Float32Array, at: number): void {
  if (Array.isArray(pixels[0])) {
    for (let y = 0; y < IMAGE_SIDE; y++) {
      const row = (pixels as number[][])[y];
      const o = at + y * IMAGE_SIDE;
      for (let x = 0; x < IMAGE_SIDE; x++) out[o + x] = row[x];
    }
  } else {
    const flat = pixels as number[];
    for (let d = 0; d < D; d++) out[at + d] = flat[d];
  }
}

/** the index of the first of B packed images (B, D) whose every pixel is 0, or -1: a blank image is no digit, as a blank PNG is not */
export function firstBlank(pixels: Float32Array, B: number): number {
  for (let i = 0; i < B; i++) {
    let d = i * D;
    const end = d + D;
    while (d < end && pixels[d] === 0) d++;
    if (d === end) return i;
  }
  return -1;
}

/** the message shared/image/preprocess.ts gives a blank drawing */
export const BLANK_PIXELS = 'no digit found in the image: the drawing is empty (every pixel is 0)';

/** 784 values from either accepted JSON shape (feedback stores them flat) */
export const flat = (pixels: JsonPixels): number[] => (Array.isArray(pixels[0]) ? (pixels as number[][]).flat() : (pixels as number[]));

const PIXEL_SCHEMA = { type: 'number', minimum: 0, maximum: PIXEL_MAX } as const;

/**
 * what checkPixels accepts, as JSON Schema for /openapi.json. written for the clients generators make:
 * no `type` beside the anyOf (openapi-typescript typed that as `unknown[] | number[] | number[][]`),
 * and minItems without an equal maxItems: @hey-api/openapi-ts and several others turn
 * minItems === maxItems into a tuple, a 784-element one here that `[...buffer]` cannot satisfy.
 * the exact length is in the descriptions, and the Worker answers 400 naming it.
 */
export const PIXELS_JSON_SCHEMA = {
  description:
    `a ${IMAGE_SIDE}×${IMAGE_SIDE} grayscale image, 0 = background, ${PIXEL_MAX} = ink (MNIST polarity): ` +
    `either ${D} values row-major or ${IMAGE_SIDE} rows of ${IMAGE_SIDE}`,
  anyOf: [
    { type: 'array', description: `exactly ${D} values, row-major`, items: PIXEL_SCHEMA, minItems: D },
    {
      type: 'array',
      description: `exactly ${IMAGE_SIDE} rows of ${IMAGE_SIDE} values`,
      items: { type: 'array', items: PIXEL_SCHEMA, minItems: IMAGE_SIDE },
      minItems: IMAGE_SIDE,
    },
  ],
} as const;

/** a picture as rows (POST /read): 1..maxSide rows, all of one length 1..maxSide, values 0..255 */
export function checkRows(value: unknown, maxSide: number, problems: Problems): void {
  if (value === undefined) return problems.add([], 'is required');
  if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0])) {
    return problems.add([], `must be an array of rows, each an array of numbers (got ${Array.isArray(value) ? (value.length ? 'an array of non-arrays' : 'an empty array') : summarizeValue(value)})`);
  }
  if (value.length > maxSide) return problems.add([], `must have at most ${maxSide} rows, got ${value.length}`);
  const width = (value[0] as unknown[]).length;
  if (width < 1 || width > maxSide) return problems.add([0], `must have 1..${maxSide} values, got ${width}`);
  for (let y = 0; y < value.length; y++) {
    const row: unknown = value[y];
    if (!Array.isArray(row)) problems.add([y], `must be a row of ${width} numbers (got ${summarizeValue(row)})`);
    else {
      if (row.length !== width) problems.add([y], `must have ${width} values like row 0, got ${row.length}`);
      checkRow(row, [y], problems);
    }
  }
}
