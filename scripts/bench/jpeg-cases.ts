// the JPEG request classes of `npm run bench:edge`: photos at the sizes phones and webcams send
// (test/fixtures/jpeg/, made by its make.sh with libjpeg-turbo's cjpeg), the corpus's digit photo,
// each broken file of the corpus (test/fixtures/jpegsuite/) and a 12-megapixel header.

import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JPEG_LIMITS, type Plan } from '../../shared/limits';
import { repeatScans } from '../lib/jpeg-bombs';

const FIXTURES = resolve('test/fixtures');
const read = (path: string) => new Uint8Array(readFileSync(join(FIXTURES, path)));

/** adds one class: what it is, the path, the body, its Content-Type and the status it must get */
export type AddJpeg = (what: string, path: string, bytes: () => Uint8Array, expect: number, type?: 'image/jpeg' | 'multipart') => void;

/** a progressive file whose scans repeat 500 times, as the corpus's make.sh builds x-many-scans.jpg */
const manyScans = (): Uint8Array => repeatScans(read('jpegsuite/progressive-gray.jpg'));

/** a small photo whose frame header claims width × height */
function declaring(width: number, height: number): Uint8Array {
  const bytes = read('jpegsuite/digit-photo.jpg');
  const sof = bytes.findIndex((b, i) => b === 0xff && bytes[i + 1] === 0xc0);
  bytes.set([height >> 8, height & 255, width >> 8, width & 255], sof + 5);
  return bytes;
}

/** photos of test/fixtures/jpeg: 512² is the most blocks decoded at 2×2 (each side 257..512 px is); 1920×1080 the most the free plan takes */
/**
 * a progressive side² gray file whose DC scan is all zeros, then `scans` refining scans of 3 bytes
 * each: one end-of-band run that covers every block, so each scan visits 63 coefficients a block
 */
export function refineBomb(side: number, scans: number): Uint8Array {
  const out: number[] = [0xff, 0xd8, 0xff, 0xdb, 0, 67, 0, ...new Array(64).fill(1)];
  out.push(0xff, 0xc2, 0, 11, 8, side >> 8, side & 255, side >> 8, side & 255, 1, 1, 0x11, 0);
  const one = [1, ...new Array(15).fill(0)]; // one code of one bit: DC symbol 0, AC symbol EOB14
  out.push(0xff, 0xc4, 0, 38, 0x00, ...one, 0x00, 0x10, ...one, 0xe0);
  out.push(0xff, 0xda, 0, 8, 1, 1, 0x00, 0, 0, 0x00, ...new Array(Math.ceil((side / 8) ** 2 / 8)).fill(0));
  for (let i = 0; i < scans; i++) out.push(0xff, 0xda, 0, 8, 1, 1, 0x00, 1, 63, 0x10, 0x7f, 0xff, 0x00);
  out.push(0xff, 0xd9);
  return new Uint8Array(out);
}

const PHOTOS = ['512x512', '640x480', '1024x768', '1280x960', '1920x1080'];

export function jpegCases(plan: Plan, add: AddJpeg): void {
  const limits = JPEG_LIMITS[plan];
  const fits = (bytes: Uint8Array, pixels: number) => bytes.length <= limits.jpegBytes && pixels <= limits.jpegPixels;
  add('JPEG 240², the corpus digit photo (baseline 4:2:0)', '/classify', () => read('jpegsuite/digit-photo.jpg'), 200);
  add('JPEG 240², gray progressive', '/classify', () => read('jpegsuite/progressive-gray.jpg'), 200);
  for (const size of PHOTOS) {
    const [w, h] = size.split('x').map(Number);
    for (const kind of ['baseline', 'progressive']) {
      const file = `jpeg/photo-${size}${kind === 'progressive' ? '-progressive' : ''}.jpg`;
      const bytes = read(file);
      const largest = size === '1920x1080' ? ', the largest accepted' : '';
      add(`JPEG ${w}×${h} photo, ${kind} (${Math.round(bytes.length / 1024)} KiB${largest})`, '/classify', () => bytes, fits(bytes, w * h) ? 200 : 413);
    }
  }
  add('multipart: JPEG 640×480 photo, baseline', '/classify', () => read('jpeg/photo-640x480.jpg'), 200, 'multipart');
  const broken: [string, number][] = [
    ['x-truncated', 400], ['x-bad-huffman', 400], ['x-garbage-scan', 400], ['x-no-sof', 400], ['x-zero-width', 400], ['x-huge-dims', 413],
    ['arithmetic', 422], ['cmyk-adobe', 422],
  ];
  for (const [name, status] of broken) add(`invalid: JPEG corpus ${name}.jpg`, '/classify', () => read(`jpegsuite/${name}.jpg`), status);
  const bomb = manyScans();
  add(`invalid: JPEG corpus x-many-scans.jpg (500 scans, ${Math.round(bomb.length / 1024)} KiB)`, '/classify', () => bomb, bomb.length <= limits.jpegBytes ? 400 : 413);
  add(`invalid: JPEG corpus x-many-scans.jpg cut to the byte limit`, '/classify', () => bomb.subarray(0, Math.min(bomb.length, limits.jpegBytes)), 400);
  add('invalid: JPEG whose photo follows empty COM segments up to the byte limit', '/classify', () => {
    const photo = read('jpegsuite/digit-photo.jpg');
    const out = new Uint8Array(limits.jpegBytes);
    out.set([0xff, 0xd8]);
    let at = 2;
    for (; at + 4 + photo.length - 2 <= out.length; at += 4) out.set([0xff, 0xfe, 0, 2], at);
    out.set(photo.subarray(2), at);
    return out.subarray(0, at + photo.length - 2);
  }, 400);
  add('invalid: JPEG 512² progressive, 60 refining scans that each end every block (1.4 KiB)', '/classify', () => refineBomb(512, 60), 400);
  add('invalid: JPEG declaring 4000×3000 (12 MP)', '/classify', () => declaring(4000, 3000), 12_000_000 <= limits.jpegPixels ? 400 : 413);
  add('oversized JPEG (Content-Length)', '/classify', () => {
    const bytes = new Uint8Array(limits.jpegBytes + 1);
    bytes.set([0xff, 0xd8, 0xff]);
    return bytes;
  }, 413);
}
