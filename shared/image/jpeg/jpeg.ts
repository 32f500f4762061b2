// a jpeg decoder written for this API: it reads luminance only (digits need no colour) and decodes
// each 8×8 block straight to 8, 4, 2 or 1 pixels a side, so a photo becomes a small picture for
// little more than the cost of reading its entropy-coded bytes. it sits behind a public upload
// endpoint: the declared size is checked before anything is allocated, segments and scans are
// counted, truncated data and bad huffman tables are refused, and every loop is bounded by the
// declared size or the file's bytes. baseline and progressive huffman JPEGs, gray or YCbCr with any
// subsampling, restart markers and EXIF orientation; arithmetic coding, CMYK, 12-bit and lossless
// are refused with 422 unsupported_jpeg.
// why not jpeg-js (0.4.4, the maintained pure-JS decoder), measured on the photos of
// test/fixtures/jpeg (CPU p50, Node 20): it decodes every pixel of every component at full size
// (640×480 baseline 14 ms vs 2.5 ms here, 1280×960 progressive 83 ms vs 1.7 ms), cannot stop at the
// DC of a block, and on the corpus's broken files throws a TypeError for x-no-sof and spends 42 ms on
// x-truncated before refusing it; wrapping it would still cost the Worker 5–40× the CPU budget.

import { ImageError, type DecodedImage } from '../decoded';
import { boxReduced, fullSize } from '../rows';
import { BitReader, nextMarker } from './bits';
import { badJpeg, DEFAULT_JPEG_LIMITS, MAX_SCANS, MAX_SEGMENTS, MAX_VISITS_PER_BLOCK, unsupportedJpeg, type JpegLimits } from './errors';
import { exifOrientation, orient, swapsSides } from './exif';
import { isSupportedSof, parseFrame, refuseSof, type Component, type Frame } from './frame';
import { buildHuffman, type HuffmanTable } from './huffman';
import { idctBlock, type BlockSide } from './idct';
import { decodeScan, type ScanHeader } from './scan';

export { DEFAULT_JPEG_LIMITS, type JpegLimits } from './errors';

/** true when the bytes start with a JPEG's start-of-image marker; says nothing about the rest */
export function isJpeg(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

export interface JpegInfo {
  /** as shown, after the EXIF orientation */
  width: number;
  height: number;
  progressive: boolean;
  components: number;
  orientation: number;
}

/** the checked frame header alone (size as shown, upright), without decoding any scan */
export function readJpegInfo(bytes: Uint8Array, limits: Partial<JpegLimits> = {}): JpegInfo {
  const { frame, orientation } = walk(bytes, limits, null);
  const swap = swapsSides(orientation);
  return {
    width: swap ? frame.height : frame.width,
    height: swap ? frame.width : frame.height,
    progressive: frame.progressive,
    components: frame.components.length,
    orientation,
  };
}

/** how exactly a reduced picture is decoded */
export interface JpegDetail {
  /**
   * progressive files decoded at 1/2 or 1/4 a side: leave out the luminance's AC refinement scans
   * (successive approximation's low bits of the detail coefficients) and keep each coefficient at
   * the precision of its first pass (centred: centreTruncated), as a file saved at a lower quality.
   * they are most of a grainy photo's bytes and of its decoding work (test/fixtures/jpeg
   * number-640x480-progressive.jpg at 1/4, cjpeg's scans: 5.6 ms CPU with them, 1.2 ms without),
   * and a reduced pixel averages 4×4 or 2×2 of them out: /read wants the strokes, not the grain.
   */
  coarseRefinement?: boolean;
}

/**
 * decodes the luminance of a JPEG, upright, reduced so that its longer side is at most maxSide:
 * the smallest block scale (1/1, 1/2, 1/4 or 1/8) whose picture is still at least maxSide a side,
 * then box-averaged by the whole factor that brings it to maxSide, as the PNG path reduces (rows.ts);
 * as much of that as possible is done inside the blocks (reduction). throws ImageError: 413 file_too_large / image_too_large, 415 not_jpeg,
 * 422 unsupported_jpeg, 400 bad_jpeg.
 */
export function decodeJpegReduced(bytes: Uint8Array, maxSide: number, limits: Partial<JpegLimits> = {}, detail: JpegDetail = {}): DecodedImage {
  const { frame, orientation, luma } = walk(bytes, limits, maxSide, detail);
  const { plane, stride, S } = luma!;
  const w = Math.ceil((frame.width * S) / 8), h = Math.ceil((frame.height * S) / 8);
  const { factor } = reduction(Math.max(frame.width, frame.height), maxSide);
  const sink = factor <= 1 ? fullSize(w, h, false) : boxReduced(w, h, factor, false);
  for (let y = 0; y < h; y++) sink.row(y, plane.subarray(y * stride, y * stride + w), null);
  return orient(sink.image(), orientation);
}

/** decodes a JPEG at full size (tests and tools; the worker always reduces) */
export const decodeJpeg = (bytes: Uint8Array, limits: Partial<JpegLimits> = {}): DecodedImage => decodeJpegReduced(bytes, Infinity, limits);

/** the pixels per block side for a picture whose longer side is `side`: the most reduction that keeps it ≥ maxSide */
export function blockSide(side: number, maxSide: number): BlockSide {
  for (const S of [1, 2, 4] as const) if (Math.ceil((side * S) / 8) >= maxSide) return S;
  return 8;
}

/**
 * how a picture is reduced: blocks decoded at S pixels a side, then factor×factor boxes averaged.
 * the total reduction is blockSide's (the smallest block scale that keeps maxSide, then the whole
 * factor that brings it to maxSide), taken as much as it can be inside the blocks: a 640 px photo
 * at 128 is 8× in all, so each block becomes its 1×1 mean rather than 2×2 pixels averaged again
 * later (the same pixels, without reading the AC detail of a progressive file).
 */
export function reduction(side: number, maxSide: number): { S: BlockSide; factor: number } {
  const S = blockSide(side, maxSide);
  const total = (8 / S) * Math.max(1, Math.ceil(Math.ceil((side * S) / 8) / maxSide));
  for (const d of [8, 4, 2] as const) if (total % d === 0) return { S: (8 / d) as BlockSide, factor: total / d };
  return { S: 8, factor: total };
}

/** luminance decoded at S pixels a block: (rows, stride) covering the MCU-padded grid */
interface Luma {
  plane: Float32Array;
  stride: number;
  S: BlockSide;
}

/** walks the segments; with maxSide null it stops at the frame header */
function walk(bytes: Uint8Array, partial: Partial<JpegLimits>, maxSide: number | null, detail: JpegDetail = {}): { frame: Frame; orientation: number; luma: Luma | null } {
  const limits: JpegLimits = { maxBytes: partial.maxBytes ?? DEFAULT_JPEG_LIMITS.maxBytes, maxPixels: partial.maxPixels ?? DEFAULT_JPEG_LIMITS.maxPixels };
  if (bytes.length > limits.maxBytes) {
    throw new ImageError(
      'file_too_large',
      `the file is ${bytes.length} bytes but the limit for a JPEG is ${limits.maxBytes} bytes; scale the photo down or save it at a lower quality and try again`,
      413,
    );
  }
  if (!isJpeg(bytes)) throw new ImageError('not_jpeg', 'this is not a JPEG file (it does not start with the JPEG start-of-image marker)', 415);

  const quant: (Uint16Array | null)[] = [null, null, null, null];
  const dcTables: (HuffmanTable | null)[] = [null, null, null, null];
  const acTables: (HuffmanTable | null)[] = [null, null, null, null];
  let frame: Frame | null = null;
  let orientation = 1;
  let adobeTransform = -1;
  let restartInterval = 0;
  let segments = 0, scans = 0;
  let luma: Luma | null = null;
  let coefs: Int16Array | null = null; // progressive: (Y blocks, 64)
  let last: Uint8Array | null = null; // progressive: (Y blocks) highest nonzero zigzag index (decodeScan)
  let lumaSeen = false;
  let visits = 0; // progressive: coefficients of luminance blocks the scans decoded so far, a block's worth each
  // progressive, coarseRefinement: (64, zigzag) the point transform Al of the last luminance AC pass decoded at each index
  const acAl = new Uint8Array(64);
  let refinementSkipped = false;

  let pos = 2;
  for (;;) {
    if (pos + 1 >= bytes.length) throw badJpeg('the file ends before its end-of-image marker, so it looks truncated');
    if (bytes[pos] !== 0xff) throw badJpeg(`byte ${pos} should start a marker but does not`);
    const marker = bytes[pos + 1];
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd9) break; // EOI
    if (marker === 0xd8) throw badJpeg('a second start-of-image marker');
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2; // a stray restart marker or TEM: no length, nothing to do
      continue;
    }
    if (pos + 4 > bytes.length) throw badJpeg('the file ends in the middle of a segment header, so it looks truncated');
    const length = (bytes[pos + 2] << 8) | bytes[pos + 3];
    if (length < 2) throw badJpeg(`a segment at byte ${pos} has the impossible length ${length}`);
    const end = pos + 2 + length;
    if (end > bytes.length) throw badJpeg('the file ends in the middle of a segment, so it looks truncated');
    if (++segments > MAX_SEGMENTS) throw badJpeg(`the file has more than ${MAX_SEGMENTS} segments; no encoder writes that many`);
    const seg = bytes.subarray(pos + 4, end);
    pos = end;

    if (isSupportedSof(marker)) {
      if (frame) throw badJpeg('a second frame header');
      frame = parseFrame(seg, marker, limits);
      if (maxSide === null) return { frame, orientation, luma: null };
      const Y = frame.components[0];
      const { S } = reduction(Math.max(frame.width, frame.height), maxSide);
      const stride = Y.blocksPerLine * S;
      luma = { plane: new Float32Array(stride * Y.blocksPerColumn * S), stride, S };
      // baseline decodes each block as it is read; progressive keeps every coefficient it uses until the end
      coefs = frame.progressive ? new Int16Array(Y.blocksPerLine * Y.blocksPerColumn * (S === 1 ? 1 : 64)) : new Int16Array(64);
      last = frame.progressive && S !== 1 ? new Uint8Array(Y.blocksPerLine * Y.blocksPerColumn) : null;
    } else if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      throw refuseSof(marker);
    } else if (marker === 0xc4) {
      readHuffmanTables(seg, dcTables, acTables);
    } else if (marker === 0xdb) {
      readQuantTables(seg, quant);
    } else if (marker === 0xdd) {
      if (seg.length < 2) throw badJpeg('the restart interval segment is too short');
      restartInterval = (seg[0] << 8) | seg[1];
    } else if (marker === 0xe1 && orientation === 1) {
      orientation = exifOrientation(seg);
    } else if (marker === 0xee && seg.length >= 12 && seg[0] === 0x41 && seg[1] === 0x64 && seg[2] === 0x6f && seg[3] === 0x62 && seg[4] === 0x65) {
      adobeTransform = seg[11]; // "Adobe": 0 = RGB or CMYK as stored, 1 = YCbCr, 2 = YCCK
    } else if (marker === 0xda) {
      if (!frame) throw badJpeg('image data comes before the frame header');
      if (++scans > MAX_SCANS) throw badJpeg(`the file has more than ${MAX_SCANS} scans; no encoder writes that many`);
      if (scans === 1 && frame.components.length === 3 && (adobeTransform === 0 || isRgbIds(frame))) {
        throw unsupportedJpeg('the JPEG stores RGB rather than YCbCr');
      }
      const scan = parseScan(seg, frame, dcTables, acTables);
      const Y = frame.components[0];
      const hasLuma = scan.components.includes(Y);
      // colour alone, AC detail that a 1/8 decode (DC only) never uses, or AC refinement a coarse
      // reduced decode leaves out (JpegDetail): skipped without being read
      const ac = frame.progressive && scan.ss > 0;
      const skip = !hasLuma || (ac && (luma!.S === 1 || (scan.ah > 0 && luma!.S < 8 && detail.coarseRefinement === true)));
      if (skip) {
        if (hasLuma && ac && luma!.S !== 1) refinementSkipped = true;
        pos = nextMarker(bytes, pos);
        continue;
      }
      lumaSeen = true;
      if (frame.progressive) {
        visits += scan.se - scan.ss + 1;
        if (scan.ss > 0) acAl.fill(scan.al, scan.ss, scan.se + 1);
        if (visits > MAX_VISITS_PER_BLOCK) throw badJpeg('the scans refine the image more times than any encoder does');
      }
      const q = quant[Y.tq];
      if (!q) throw badJpeg(`the luminance uses quantization table ${Y.tq}, which the file never defines`);
      const reader = new BitReader(bytes, pos);
      const { plane, stride, S } = luma!;
      const block = coefs!;
      decodeScan(frame, scan, reader, restartInterval, {
        coefs: block,
        dcOnly: S === 1,
        last,
        emit: frame.progressive
          ? null
          : (row, col) => {
              idctBlock(block, 0, q, S, plane, row * S * stride + col * S, stride);
              block.fill(0);
            },
      });
      pos = nextMarker(bytes, reader.pos);
    }
    // APPn, COM, DAC, DNL and the rest: nothing this decoder needs
  }
  if (!frame) throw badJpeg('the file has no frame header (SOF), so there is no image in it');
  if (maxSide === null) return { frame, orientation, luma: null };
  if (!lumaSeen) throw badJpeg('the file has no image data for its luminance');
  if (frame.progressive) {
    const Y = frame.components[0];
    const q = quant[Y.tq];
    if (!q) throw badJpeg(`the luminance uses quantization table ${Y.tq}, which the file never defines`);
    const { plane, stride, S } = luma!;
    if (refinementSkipped) centreTruncated(coefs!, last!, acAl);
    for (let row = 0; row < Y.blocksHigh; row++) {
      for (let col = 0; col < Y.blocksWide; col++) {
        const block = row * Y.blocksPerLine + col;
        // at 1/8 only the DC was kept, one value a block: the block's mean
        if (S === 1) plane[row * stride + col] = Math.min(255, Math.max(0, (coefs![block] * q[0]) / 8 + 128));
        else idctBlock(coefs!, block * 64, q, S, plane, row * S * stride + col * S, stride);
      }
    }
  }
  return { frame, orientation, luma };
}

/**
 * an AC coefficient whose refinement scans were left out holds its magnitude truncated to a multiple
 * of 2^Al (T.81 G.1.2.3: a point transform of the magnitude), up to 2^Al − 1 below the truth: moved
 * up by 2^(Al−1), to the middle of that range (zero stays zero: its range is symmetric). measured with
 * scripts/dev/read-jpeg-score.ts (400 numbers as cjpeg progressive photos at quality 75): /read got
 * 253 right without this, 259 with it, 256 from the exact decode.
 * coefs: (blocks, 64) natural order; last: (blocks) highest nonzero zigzag index; al: (64, zigzag)
 */
function centreTruncated(coefs: Int16Array, last: Uint8Array, al: Uint8Array): void {
  for (let b = 0; b < last.length; b++) {
    for (let k = 1; k <= last[b]; k++) {
      if (al[k] === 0) continue;
      const z = b * 64 + ZIGZAG[k];
      const v = coefs[z], half = 1 << (al[k] - 1);
      if (v > 0) coefs[z] = v + half;
      else if (v < 0) coefs[z] = v - half;
    }
  }
}

/** component ids "R", "G", "B": how some encoders say the file holds RGB */
const isRgbIds = (f: Frame) => f.components[0].id === 0x52 && f.components[1].id === 0x47 && f.components[2].id === 0x42;

/** zigzag position → natural index, for the quantization tables (stored in zigzag order) */
const ZIGZAG = [
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43,
  36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
];

function readQuantTables(seg: Uint8Array, quant: (Uint16Array | null)[]): void {
  for (let p = 0; p < seg.length; ) {
    const pq = seg[p] >> 4, tq = seg[p] & 15;
    if (pq > 1 || tq > 3) throw badJpeg(`a quantization table has precision ${pq} and slot ${tq}`);
    const size = pq === 0 ? 64 : 128;
    if (p + 1 + size > seg.length) throw badJpeg('a quantization table runs past its segment');
    const table = new Uint16Array(64);
    for (let k = 0; k < 64; k++) table[ZIGZAG[k]] = pq === 0 ? seg[p + 1 + k] : (seg[p + 1 + 2 * k] << 8) | seg[p + 2 + 2 * k];
    quant[tq] = table;
    p += 1 + size;
  }
}

function readHuffmanTables(seg: Uint8Array, dc: (HuffmanTable | null)[], ac: (HuffmanTable | null)[]): void {
  for (let p = 0; p < seg.length; ) {
    const tc = seg[p] >> 4, th = seg[p] & 15;
    if (tc > 1 || th > 3) throw badJpeg(`a Huffman table has class ${tc} and slot ${th}`);
    if (p + 17 > seg.length) throw badJpeg('a Huffman table runs past its segment');
    const counts = seg.subarray(p + 1, p + 17);
    let n = 0;
    for (let i = 0; i < 16; i++) n += counts[i];
    if (n > 256) throw badJpeg(`a Huffman table claims ${n} codes (at most 256)`);
    if (p + 17 + n > seg.length) throw badJpeg('a Huffman table runs past its segment');
    const table = buildHuffman(counts, seg.subarray(p + 17, p + 17 + n), tc === 0 ? 15 : 255);
    (tc === 0 ? dc : ac)[th] = table;
    p += 17 + n;
  }
}

function parseScan(seg: Uint8Array, frame: Frame, dc: (HuffmanTable | null)[], ac: (HuffmanTable | null)[]): ScanHeader {
  const n = seg[0];
  if (n < 1 || n > 4 || seg.length < 4 + 2 * n) throw badJpeg('the scan header is malformed');
  const ss = seg[1 + 2 * n], se = seg[2 + 2 * n], ah = seg[3 + 2 * n] >> 4, al = seg[3 + 2 * n] & 15;
  if (frame.progressive) {
    const ok = ss <= se && se <= 63 && (ss === 0 ? se === 0 : n === 1) && ah <= 13 && al <= 13 && (ah === 0 || ah === al + 1);
    if (!ok) throw badJpeg(`a progressive scan has the impossible parameters Ss=${ss} Se=${se} Ah=${ah} Al=${al}`);
  }
  const needDc = !frame.progressive || (ss === 0 && ah === 0);
  const needAc = !frame.progressive || ss > 0;
  const components: Component[] = [];
  for (let i = 0; i < n; i++) {
    const id = seg[1 + 2 * i], td = seg[2 + 2 * i] >> 4, ta = seg[2 + 2 * i] & 15;
    const c = frame.components.find((x) => x.id === id);
    if (!c) throw badJpeg(`a scan names component ${id}, which the frame does not have`);
    if (components.includes(c)) throw badJpeg(`a scan names component ${id} twice`);
    if (td > 3 || ta > 3) throw badJpeg('a scan names a Huffman table slot above 3');
    c.dc = dc[td];
    c.ac = ac[ta];
    if ((needDc && !c.dc) || (needAc && !c.ac)) throw badJpeg(`a scan uses a Huffman table the file never defines`);
    components.push(c);
  }
  if (n > 1) {
    let blocks = 0;
    for (const c of components) blocks += c.h * c.v;
    if (blocks > 10) throw badJpeg(`a scan's MCU has ${blocks} blocks (at most 10 allowed)`);
  }
  return { components, ss, se, ah, al };
}
