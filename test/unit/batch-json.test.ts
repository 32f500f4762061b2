import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { createRng, type Rng } from '../../shared/rng';
import { packBatchJson, type PackedBatch } from '../../worker/batch-json';
import { packPixels, type JsonPixels } from '../../worker/pixels';
import { batchJson } from '../../worker/schemas';

// worker/batch-json.ts reads a batch's JSON straight into packed pixels and leaves everything else to
// the route's validator (JSON.parse, then the zod schema). the two must agree: whenever the fast path
// reads a body, the validator accepts it and packs the same pixels, bit for bit.

const MAX = 3;
const bytesOf = (text: string) => new TextEncoder().encode(text);

/** what the route does without the fast path: JSON.parse as hono's validator, the zod schema, then packPixels */
function slowPath(bytes: Uint8Array, max: number): PackedBatch | 'refused' {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return 'refused';
  }
  const result = batchJson(max).safeParse(value);
  if (!result.success) return 'refused';
  const images = result.data.images as JsonPixels[];
  const pixels = new Float32Array(images.length * D);
  images.forEach((image, i) => packPixels(image, pixels, i * D));
  return { pixels, B: images.length, preprocess: result.data.preprocess ?? false };
}

/** the two paths agree: a body the fast path reads is one the slow path accepts, with the same bits (-0 included) */
function expectAgreement(bytes: Uint8Array, max = MAX): PackedBatch | null {
  const fast = packBatchJson(bytes, max);
  const slow = slowPath(bytes, max);
  const context = new TextDecoder().decode(bytes.subarray(0, 200));
  if (fast === null) return null;
  expect(slow, `the fast path read a body the validator refuses: ${context}`).not.toBe('refused');
  const s = slow as PackedBatch;
  expect({ B: fast.B, preprocess: fast.preprocess }, context).toEqual({ B: s.B, preprocess: s.preprocess });
  expect(fast.pixels.length, context).toBe(s.pixels.length);
  const a = new Uint32Array(fast.pixels.buffer, fast.pixels.byteOffset, fast.pixels.length);
  const b = new Uint32Array(s.pixels.buffer, s.pixels.byteOffset, s.pixels.length);
  const first = a.findIndex((bits, i) => bits !== b[i]);
  expect(first, `pixel ${first}: fast ${fast.pixels[first]}, slow ${s.pixels[first]} in ${context}`).toBe(-1);
  return fast;
}

const image = (seed: number, max = 255): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: D }, () => rng.int(max + 1));
};
const rows = (px: number[]) => Array.from({ length: IMAGE_SIDE }, (_, y) => px.slice(y * IMAGE_SIDE, (y + 1) * IMAGE_SIDE));

/** a pixel value written any way JSON may write it, each form giving the same double as the plain integer */
function writeNumber(v: number, rng: Rng): string {
  switch (rng.int(9)) {
    case 0: return `${v}.0`;
    case 1: return `${v}e0`;
    case 2: return v === 0 ? '-0' : `${v}E+0`;
    case 3: return v === 0 ? '0.000' : `${v * 10}e-1`;
    case 4: return v >= 100 ? `${v / 100}e2` : `${v}.00`;
    case 5: return v === 0 ? '-0.0e5' : `${v}0E-1`;
    default: return String(v);
  }
}

const SPACES = [' ', '\n', '\t', '\r\n', '  '];
const space = (rng: Rng) => (rng.int(3) === 0 ? SPACES[rng.int(SPACES.length)] : '');

/** a valid body for `images` written with random whitespace, number forms and key order */
function writeBody(images: (number[] | number[][])[], preprocess: boolean | undefined, rng: Rng, plainNumbers = false): string {
  const s = () => space(rng);
  const num = (v: number) => s() + (plainNumbers ? String(v) : writeNumber(v, rng)) + s();
  const list = (values: number[]) => `[${values.map(num).join(',')}]`;
  const img = (im: number[] | number[][]) => s() + (Array.isArray(im[0]) ? `[${(im as number[][]).map((r) => s() + list(r) + s()).join(',')}]` : list(im as number[])) + s();
  const members = [`${s()}"images"${s()}:${s()}[${images.map(img).join(',')}]${s()}`];
  if (preprocess !== undefined) members.push(`${s()}"preprocess"${s()}:${s()}${preprocess}${s()}`);
  if (rng.int(2) === 0) members.reverse();
  return `${s()}{${members.join(',')}}${s()}`;
}

describe('a batch read from its JSON bytes', () => {
  it('packs a batch as JSON.stringify writes it, flat and as rows, the same as the validator does', () => {
    const images = [image(1), image(2)];
    const flat = expectAgreement(bytesOf(JSON.stringify({ images })));
    expect(flat?.B).toBe(2);
    expect(flat?.preprocess).toBe(false);
    expect(Array.from(flat!.pixels.subarray(D, 2 * D))).toEqual(images[1]);
    const asRows = expectAgreement(bytesOf(JSON.stringify({ preprocess: true, images: images.map(rows) })));
    expect(asRows?.preprocess).toBe(true);
    expect(Array.from(asRows!.pixels)).toEqual([...images[0], ...images[1]]);
    // Python's json.dumps: ", " and ": "
    expect(expectAgreement(bytesOf(JSON.stringify({ images }).replaceAll(',', ', ').replaceAll(':', ': ')))).not.toBeNull();
    // a UTF-8 BOM, which a body's text drops before JSON.parse
    expect(expectAgreement(bytesOf('\ufeff' + JSON.stringify({ images })))).not.toBeNull();
  });

  it('reads 1.0, 1e2, 2.55E2, 0.5 and -0 as JSON.parse does, keeping -0', () => {
    const px = new Array(D).fill(0);
    px.splice(0, 5, '1.0', '1e2', '2.55E2', '0.5', '-0');
    const packed = expectAgreement(bytesOf(`{"images":[[${px.join(',')}]]}`));
    expect(Array.from(packed!.pixels.subarray(0, 5))).toEqual([1, 100, 255, 0.5, -0]);
    expect(Object.is(packed!.pixels[4], -0)).toBe(true);
  });

  it('reads the long decimals of float pixels (numpy, pixel / 255 * 255) as JSON.parse packs them', () => {
    const floats = Array.from({ length: D }, (_, i) => ((i * 37) % 255) / 255 * 255 + (i % 3) / 7);
    const text = JSON.stringify({ images: [floats] });
    expect(text).toMatch(/\d\.\d{13,}/); // 16- and 17-digit decimals
    const packed = expectAgreement(bytesOf(text));
    expect(packed, 'read by the bytes reader, not left to JSON.parse').not.toBeNull();
    expect(Array.from(packed!.pixels)).toEqual(floats.map(Math.fround));
  });

  it('leaves every body outside its shape to the validator, which words the error', () => {
    const one = JSON.stringify(image(3));
    const refused = [
      '', '{}', '[]', 'null', `{"images":[${one}]`, `{"images":[${one}]}x`, `\ufeff\ufeff{"images":[${one}]}`,
      `{"images":[]}`, `{"images":[${one}],}`, `{"images":[${one},]}`, `{"images":[${[one, one, one, one].join(',')}]}`, // 4 > MAX
      `{"\\u0069mages":[${one}]}`, `{"images":[${one}],"images":[${one}]}`, `{"images":[${one}],"preprocess":null}`,
      `{"images":[${one}],"preprocess":"true"}`, `{"images":[${one}],"extra":1}`, `{"images":[${one.replace(']', ',0]')}]}`,
      `{"images":[${one.replace('[', '[256,').replace(/,\d+\]$/, ']')}]}`, `{"images":[${one.replace('[', '[-1,').replace(/,\d+\]$/, ']')}]}`,
      `{"images":[${one.replace('[', '[01,').replace(/,\d+\]$/, ']')}]}`, `{"images":[${one.replace('[', '[1.,').replace(/,\d+\]$/, ']')}]}`,
      `{"images":[${one.replace('[', '[1e400,').replace(/,\d+\]$/, ']')}]}`, `{"images":[${one.replace('[', '[255.00000000000001,').replace(/,\d+\]$/, ']')}]}`,
      `{"images":[${JSON.stringify(rows(image(4)).slice(1))}]}`, `{"images":[${JSON.stringify([...rows(image(4)).slice(1), image(4).slice(0, 27)])}]}`,
    ];
    for (const text of refused) {
      expect(packBatchJson(bytesOf(text), MAX), text.slice(0, 80)).toBeNull();
      expectAgreement(bytesOf(text));
    }
    // a number outside the fast cases but valid JSON is still answered, by the slow path
    expect(slowPath(bytesOf(`{"images":[${one.replace('[', '[255.00000000000001,').replace(/,\d+\]$/, ']')}]}`), MAX)).not.toBe('refused');
  });

  it('reads any valid body in its shape, with any whitespace, number forms and key order, as the validator packs it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX }), fc.integer(), fc.constantFrom(undefined, true, false), fc.boolean(), (B, seed, preprocess, asRows) => {
        const rng = createRng(seed >>> 0);
        const images = Array.from({ length: B }, (_, i) => (asRows && i === 0 ? rows(image(seed + i)) : image(seed + i, rng.int(2) ? 255 : 9)));
        const packed = expectAgreement(bytesOf(writeBody(images, preprocess, rng)));
        expect(packed, 'a valid body in the shape takes the fast path').not.toBeNull();
      }),
      { numRuns: 150 },
    );
  });

  it('never reads a mutated body differently from the validator', () => {
    const marks = '[]{},:-+.eE0123456789 "\n\\x';
    fc.assert(
      fc.property(
        fc.integer(),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'delete', 'replace'), fc.nat({ max: marks.length - 1 })), { minLength: 1, maxLength: 4 }),
        (seed, edits) => {
          const rng = createRng(seed >>> 0);
          const images = Array.from({ length: 1 + rng.int(MAX + 1) }, (_, i) => (rng.int(2) ? rows(image(seed + i, 20)) : image(seed + i, 20)));
          let text = writeBody(images, rng.int(3) === 0 ? undefined : rng.int(2) === 0, rng, rng.int(2) === 0);
          for (const [at, edit, mark] of edits) {
            const i = at % (text.length + 1);
            if (edit === 'insert') text = text.slice(0, i) + marks[mark] + text.slice(i);
            else if (edit === 'delete') text = text.slice(0, i) + text.slice(i + 1);
            else text = text.slice(0, i) + marks[mark] + text.slice(i + 1);
          }
          expectAgreement(bytesOf(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never packs a number differently from JSON.parse', () => {
    const anyNumber = fc.oneof(
      fc.double({ noNaN: true, noDefaultInfinity: true, min: -1, max: 300 }).map((v) => JSON.stringify(v)),
      fc.integer({ min: 0, max: 2 ** 31 }).map((k) => JSON.stringify((k / 2 ** 31) * 255)), // 16-17 digit decimals across 0..255
      fc.tuple(fc.nat({ max: 255 }), fc.nat({ max: 99999 }), fc.integer({ min: -30, max: 30 })).map(([i, f, e]) => `${i}.${f}e${e}`),
      fc.stringMatching(/^-?(0|[1-9]\d{0,3})(\.\d{1,20})?([eE][+-]?\d{1,3})?$/),
    );
    fc.assert(
      fc.property(anyNumber, (n) => {
        expectAgreement(bytesOf(`{"images":[[${n}${',7'.repeat(D - 1)}]]}`));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('a batch read from its JSON bytes, at the edges the mutations found', () => {
  it('leaves a separator where a number belongs to the validator, never reading it as a pixel', () => {
    const body = (row: string) => `{"images": [[${[...Array.from({ length: IMAGE_SIDE - 1 }, () => `[${new Array(IMAGE_SIDE).fill(1).join(',')}]`), row].join(',')}]]}`;
    const valid = `[${new Array(IMAGE_SIDE).fill(1).join(',')}]`;
    expect(expectAgreement(bytesOf(body(valid)))).not.toBeNull();
    // `]` is 93 and `}` 125: minus '0' (48) they fall in 0..255, which once read `[…, 1,]` as a pixel of 45
    for (const bad of [`[${new Array(IMAGE_SIDE - 1).fill(1).join(',')},]`, `[${new Array(IMAGE_SIDE - 1).fill(1).join(',')}, ]`, `[${new Array(IMAGE_SIDE - 1).fill(1).join(',')},}`]) {
      expect(packBatchJson(bytesOf(body(bad)), MAX), bad).toBeNull();
      expect(slowPath(bytesOf(body(bad)), MAX)).toBe('refused');
    }
  });
});
