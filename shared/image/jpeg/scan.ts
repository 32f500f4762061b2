import { BitReader } from './bits';
import { badJpeg } from './errors';
import type { Component, Frame } from './frame';
import { FAST_BITS } from './huffman';

// one scan's entropy-coded data, block by block (ITU T.81 F.2 and G.1.2). only the luminance
// component's coefficients are kept; a colour component's blocks are decoded into a scratch block
// and dropped (their bits must still be read to reach the next luminance block). the caller skips
// scans that hold colour alone without reading them at all.

/** zigzag position → natural (row-major) index; the extra 63s absorb a corrupt run past the end, as libjpeg's do */
const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43,
  36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
  63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63, 63,
]);

export interface ScanHeader {
  components: Component[];
  /** spectral selection: first and last zigzag index */
  ss: number;
  se: number;
  /** successive approximation: the bit position before (0 on a first pass) and of this scan */
  ah: number;
  al: number;
}

/** where the luminance blocks go */
export interface LumaTarget {
  /** (blocks, 64) coefficients of the luminance component; a baseline decode uses one block and emits it */
  coefs: Int16Array;
  /** baseline: called after each luminance block is decoded into coefs[0..64], which it must zero again */
  emit: ((blockRow: number, blockCol: number) => void) | null;
  /** only the DC coefficient is used (blocks decoded to 1×1): a sequential scan skips AC values unread, a progressive one keeps one value a block */
  dcOnly: boolean;
  /**
   * progressive AC: (blocks) the highest zigzag index each luminance block has nonzero so far, so a
   * refining pass over a block inside an end-of-band run stops there instead of walking to the band's
   * end (past it every coefficient is zero and has no correction bit)
   */
  last: Uint8Array | null;
}

/** `last[at >> 6]` bounds the block's nonzero coefficients (progressive AC scans only) */
type BlockDecoder = (r: BitReader, c: Component, blocks: Int16Array, at: number, last: Uint8Array) => void;

export function decodeScan(frame: Frame, scan: ScanHeader, r: BitReader, restartInterval: number, luma: LumaTarget): void {
  const Y = frame.components[0];
  const junk = new Int16Array(64);
  const junkLast = new Uint8Array(1);
  const last = luma.last ?? junkLast;
  const perBlock = luma.dcOnly ? 1 : 64;
  let eobrun = 0;
  const decodeBlock: BlockDecoder = !frame.progressive
    ? luma.dcOnly
      ? decodeBaselineDc
      : decodeBaseline
    : scan.ss === 0
      ? scan.ah === 0
        ? (rd, c, b, at) => decodeDcFirst(rd, c, b, at, scan.al)
        : (rd, _c, b, at) => decodeDcRefine(rd, b, at, scan.al)
      : scan.ah === 0
        ? (rd, c, b, at, l) => (eobrun = decodeAcFirst(rd, c, b, at, l, scan.ss, scan.se, scan.al, eobrun))
        : (rd, c, b, at, l) => (eobrun = decodeAcRefine(rd, c, b, at, l, scan.ss, scan.se, scan.al, eobrun));

  // a colour block is read for its length alone: only the DC of a sequential scan's needs decoding (its prediction)
  const skipBlock: BlockDecoder = frame.progressive ? decodeBlock : decodeBaselineDc;
  const block = (c: Component, row: number, col: number): void => {
    if (c !== Y) skipBlock(r, c, junk, 0, junkLast);
    else if (luma.emit) {
      decodeBlock(r, c, luma.coefs, 0, junkLast);
      luma.emit(row, col);
    } else decodeBlock(r, c, luma.coefs, (row * c.blocksPerLine + col) * perBlock, last);
  };

  for (const c of scan.components) c.pred = 0;
  let restarts = 0;
  let untilRestart = restartInterval;
  const restart = (): void => {
    if (restartInterval === 0) return;
    if (untilRestart === 0) {
      r.restart(restarts++);
      for (const c of scan.components) c.pred = 0;
      eobrun = 0;
      untilRestart = restartInterval;
    }
    untilRestart--;
  };

  if (scan.components.length === 1) {
    // one component: its own blocks in raster order, an MCU each, without the MCU padding
    const c = scan.components[0];
    for (let row = 0; row < c.blocksHigh; row++) {
      for (let col = 0; col < c.blocksWide; col++) {
        restart();
        block(c, row, col);
      }
      r.checkTruncated();
    }
    return;
  }
  for (let my = 0; my < frame.mcusY; my++) {
    for (let mx = 0; mx < frame.mcusX; mx++) {
      restart();
      for (const c of scan.components) {
        for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) block(c, my * c.v + v, mx * c.h + h);
      }
    }
    r.checkTruncated();
  }
}

/** a sequential block's DC coefficient: the difference from the component's previous block */
function decodeDc(r: BitReader, c: Component, b: Int16Array, at: number): void {
  const t = r.decode(c.dc!);
  if (t > 11) throw badJpeg('a DC difference claims more than 11 bits');
  c.pred += r.signed(t);
  b[at] = c.pred;
}

function decodeBaseline(r: BitReader, c: Component, b: Int16Array, at: number): void {
  decodeDc(r, c, b, at);
  const ac = c.ac!;
  const fastAc = ac.fastAc;
  for (let k = 1; k < 64; ) {
    // most coefficients: code and value in one look-up
    if (r.count < 16) r.fill();
    const e = fastAc[r.buf >>> (r.count - FAST_BITS)];
    if (e !== 0) {
      r.count -= e & 15;
      r.buf &= (1 << r.count) - 1;
      k += (e >> 4) & 15;
      if (k > 63) throw badJpeg('a block has more than 64 coefficients');
      b[at + ZIGZAG[k]] = e >> 8;
      k++;
      continue;
    }
    const rs = r.decode(ac);
    const s = rs & 15, run = rs >> 4;
    if (s === 0) {
      if (run !== 15) break;
      k += 16;
      continue;
    }
    k += run;
    if (k > 63) throw badJpeg('a block has more than 64 coefficients');
    b[at + ZIGZAG[k]] = r.signed(s);
    k++;
  }
}

/** a sequential block's DC coefficient; its AC coefficients are read past, not decoded */
function decodeBaselineDc(r: BitReader, c: Component, b: Int16Array, at: number): void {
  decodeDc(r, c, b, at);
  const ac = c.ac!;
  for (let k = 1; k < 64; ) {
    const advance = r.skipCoefficient(ac);
    if (advance === 64) break; // end of block
    k += advance;
    // (16 is also a run of 16 zeros, which may run past the end as decodeBaseline lets it)
    if (k > 64 && advance !== 16) throw badJpeg('a block has more than 64 coefficients');
  }
}

function decodeDcFirst(r: BitReader, c: Component, b: Int16Array, at: number, al: number): void {
  const t = r.decode(c.dc!);
  if (t > 11) throw badJpeg('a DC difference claims more than 11 bits');
  c.pred += r.signed(t);
  b[at] = c.pred * (1 << al);
}

function decodeDcRefine(r: BitReader, b: Int16Array, at: number, al: number): void {
  if (r.bit()) b[at] |= 1 << al;
}

/** the first pass over a band of AC coefficients; returns the end-of-band run still to go */
function decodeAcFirst(r: BitReader, c: Component, b: Int16Array, at: number, last: Uint8Array, ss: number, se: number, al: number, eobrun: number): number {
  if (eobrun > 0) return eobrun - 1;
  const ac = c.ac!;
  const i = at >> 6;
  for (let k = ss; k <= se; ) {
    const rs = r.decode(ac);
    const s = rs & 15, run = rs >> 4;
    if (s === 0) {
      if (run < 15) return (1 << run) - 1 + r.bits(run);
      k += 16;
      continue;
    }
    k += run;
    if (k > 63) throw badJpeg('a block has more than 64 coefficients');
    b[at + ZIGZAG[k]] = r.signed(s) * (1 << al);
    if (k > last[i]) last[i] = k;
    k++;
  }
  return 0;
}

/**
 * a refining pass over a band (libjpeg's decode_mcu_AC_refine); returns the end-of-band run still to go.
 * the correction bits, one per coefficient already nonzero, are most of a refining scan's data: they
 * are read from the reader's buffer kept in locals (buf, count), handed back before each huffman symbol.
 */
function decodeAcRefine(r: BitReader, c: Component, b: Int16Array, at: number, last: Uint8Array, ss: number, se: number, al: number, eobrun: number): number {
  const p1 = 1 << al, m1 = -1 << al;
  const i = at >> 6;
  let k = ss;
  let buf = r.buf, count = r.count;
  if (eobrun === 0) {
    const ac = c.ac!;
    for (; k <= se; k++) {
      r.buf = buf & ((1 << count) - 1);
      r.count = count;
      const rs = r.decode(ac);
      let run = rs >> 4;
      let s = rs & 15;
      if (s !== 0) {
        s = r.bit() ? p1 : m1;
      } else if (run !== 15) {
        eobrun = (1 << run) + r.bits(run);
        buf = r.buf;
        count = r.count;
        break;
      }
      buf = r.buf;
      count = r.count;
      // past the coefficients already nonzero (each gets a correction bit) and `run` zero ones
      // without branches on the data (a noisy photo's nonzero pattern and bits are unpredictable):
      // nz is 1 for a nonzero coefficient, which takes one bit and moves away from zero by p1 on a 1
      // not already set; a zero one counts down the run
      do {
        if (count === 0) {
          r.buf = 0;
          r.count = 0;
          r.fill();
          buf = r.buf;
          count = r.count;
        }
        const z = at + ZIGZAG[k];
        const coef = b[z];
        const nz = (coef | -coef) >>> 31;
        run -= nz ^ 1;
        if (run < 0) break;
        count -= nz;
        const up = (buf >>> count) & nz & ~(coef >> al);
        const sign = coef >> 15; // -1 or 0
        b[z] = coef + ((((p1 ^ sign) - sign) * up) | 0);
        k++;
      } while (k <= se);
      if (s !== 0) {
        b[at + ZIGZAG[k]] = s;
        if (k > last[i]) last[i] = k;
      }
    }
  }
  if (eobrun > 0) {
    // the coefficients past last[i] are zero: no correction bits to read
    const end = Math.min(se, last[i]);
    for (; k <= end; k++) {
      const z = at + ZIGZAG[k];
      const coef = b[z];
      if (coef === 0) continue;
      if (count === 0) {
        r.buf = 0;
        r.count = 0;
        r.fill();
        buf = r.buf;
        count = r.count;
      }
      count--;
      if (((buf >>> count) & 1) !== 0 && (coef & p1) === 0) b[z] = coef >= 0 ? coef + p1 : coef + m1;
    }
    eobrun--;
  }
  r.buf = buf & ((1 << count) - 1);
  r.count = count;
  return eobrun;
}
