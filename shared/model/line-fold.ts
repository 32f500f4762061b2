import { LINE_ROWS, type LineImage } from '../image/line';
import { conv2dForward, type ConvShape } from './kernels/conv2d';
import { linearForwardBatched } from './kernels/linear';
import { convLayers, convsForward, createLineWorkspace, denseForward, lineGeometry, plainConv, room, type ConvStep, type LineGeometry, type LineWorkspace } from './line-frames';
import type { Network } from './network';

// reading a line without paying for blank paper. a trained reader's first convolution outputs its ReLU'd
// biases wherever it sees no ink, not zeros, and so does the next layer in turn: on the dev numbers'
// lines ~40% of the last convolution's cells are exactly blank paper's output, with all 16 channels
// non-zero, so the sparse kernels, which skip zeros, paid more for empty columns than for inked ones.
// what blank paper contributes is known in advance: folded into extra weight rows, it costs one row
// where it cost a cell's every channel, and the kernels skip the rest as zeros. the same sums in
// another order: within float32 rounding of lineForward's (test/unit/line-frames.test.ts). on the dev
// numbers' lines 1.5× faster (6.0 → 3.9 µs a column), on empty columns 6.8×; lines inked end to end cost
// 3–7% more (an inked pixel or cell reads one more input). so a line is charged for its columns and its
// inked cells (read-cost.ts lineColumns).

/** what a network's reading folds, computed once per network */
interface ReadingFold {
  conv: ConvStep; // the second convolution, its blank input folded
  blank: Float32Array; // (OH, OC): the last convolution's output over empty columns, per row
  weight: Float32Array; // (features + cells + 1, out): the first dense layer's rows, each cell's W_cell · blank_y, their sum
  cells: number; // OH × span: the last convolution's cells a frame reads
}

const folds = new WeakMap<Network, ReadingFold>();

/**
 * the frames of a line as POST /read reads them: probs (T, classes), a view into `ws` valid until its next
 * use. `phase` as lineForward's
 */
export function lineForwardRead(net: Network, line: LineImage, inputScale: number, ws: LineWorkspace, phase = 0): { probs: Float32Array; geometry: LineGeometry } {
  const fold = readingFold(net);
  const g = lineGeometry(net, line.width, phase);
  const conv = convsForward(net, line, inputScale, ws, g, fold.conv);
  const frames = foldedFrames(conv, fold, g, ws);
  return { probs: denseForward(net, frames, g.T, ws, linearForwardBatched, { weight: fold.weight, inSize: g.features + fold.cells + 1 }), geometry: g };
}

function readingFold(net: Network): ReadingFold {
  let fold = folds.get(net);
  if (fold) return fold;
  const conv = foldedConv(net);
  // the last convolution's output over empty columns: the middle of an empty line, far from its padding's edges
  const width = 4 * LINE_ROWS;
  const g = lineGeometry(net, width);
  const out = convsForward(net, { pixels: new Float32Array(LINE_ROWS * width), width, scale: 1, left: 0 }, 1, createLineWorkspace(), g, conv);
  const { OH, OW, OC } = g.convs[g.convs.length - 1];
  const blank = new Float32Array(OH * OC);
  for (let y = 0; y < OH; y++) blank.set(out.subarray((y * OW + (OW >> 1)) * OC, (y * OW + (OW >> 1) + 1) * OC), y * OC);
  // a blank cell's contribution to the first dense layer: W_cell · blank_y
  const { weight, outSize: OUT } = net.layers[g.convs.length];
  const F = g.features, cells = OH * g.span;
  const folded = new Float32Array((F + cells + 1) * OUT);
  folded.set(weight.subarray(0, F * OUT));
  const sums = new Float64Array(OUT);
  for (let cell = 0; cell < cells; cell++) {
    const y = Math.floor(cell / g.span);
    for (let j = 0; j < OUT; j++) {
      let s = 0;
      for (let c = 0; c < OC; c++) s += weight[(cell * OC + c) * OUT + j] * blank[y * OC + c];
      folded[(F + cell) * OUT + j] = s;
      sums[j] += s;
    }
  }
  folded.set(sums, (F + cells) * OUT);
  fold = { conv, blank, weight: folded, cells };
  folds.set(net, fold);
  return fold;
}

/**
 * the frames with their blank cells folded: (T, features + cells + 1) in ws.frames. a frame with more
 * blank cells than inked ones reads the row of all cells blank (1), and −1 on each inked cell's own row
 * besides its channels; any other reads 1 on each blank cell's row. either way it costs the dense layer
 * its inked cells' non-zero channels and min(blank, inked) + 1 rows
 */
function foldedFrames(conv: Float32Array, fold: ReadingFold, g: LineGeometry, ws: LineWorkspace): Float32Array {
  const { span, features: F, T } = g;
  const { OH, OW, OC } = g.convs[g.convs.length - 1];
  if (ws.blank.length < OH * OW) ws.blank = new Uint8Array(Math.ceil(OH * OW * 1.25));
  const isBlank = ws.blank;
  for (let y = 0; y < OH; y++) {
    for (let u = 0; u < OW; u++) {
      const a = (y * OW + u) * OC, b = y * OC;
      let same = 1;
      for (let c = 0; c < OC; c++) if (conv[a + c] !== fold.blank[b + c]) { same = 0; break; }
      isBlank[y * OW + u] = same;
    }
  }
  const cells = fold.cells, FA = F + cells + 1;
  ws.frames = room(ws.frames, T * FA);
  const frames = ws.frames;
  for (let t = 0; t < T; t++) {
    const f = t * FA;
    let blanks = 0;
    for (let y = 0; y < OH; y++) for (let dx = 0; dx < span; dx++) blanks += isBlank[y * OW + t + dx];
    const allBlank = 2 * blanks > cells;
    frames[f + F + cells] = allBlank ? 1 : 0;
    for (let y = 0; y < OH; y++) {
      for (let dx = 0; dx < span; dx++) {
        const cell = y * span + dx, dst = f + cell * OC;
        if (isBlank[y * OW + t + dx]) {
          for (let c = 0; c < OC; c++) frames[dst + c] = 0;
          frames[f + F + cell] = allBlank ? 0 : 1;
        } else {
          const src = (y * OW + t + dx) * OC;
          for (let c = 0; c < OC; c++) frames[dst + c] = conv[src + c];
          frames[f + F + cell] = allBlank ? -1 : 0;
        }
      }
    }
  }
  return frames;
}

/**
 * the convolutions, the second with its blank input folded. the first convolution's output over blank
 * paper is ReLU(its bias) at every pixel, its padding's too (zeros in, bias out): the second's input
 * pixels equal to it are read as zeros, and what they would add, W_tap · blank per kernel tap, is
 * added to each output once, over the taps that fall inside the input (the rest read zero padding);
 * an inked pixel reads −1 on an extra channel whose weights take it back out of its taps. later
 * convolutions (none in the bundled reader) read their input unfolded.
 */
function foldedConv(net: Network): ConvStep {
  if (convLayers(net) < 2) return plainConv;
  const { weight, bias, conv } = net.layers[1];
  const { IC, OC, KH, KW } = conv!;
  const blank = net.layers[0].bias.map((b) => Math.max(0, b));
  const taps = KH * KW;
  const tapBlank = new Float32Array(taps * OC); // W_tap · blank
  const augmented = new Float32Array(taps * (IC + 1) * OC); // (KH, KW, IC + 1, OC): each tap's rows, then W_tap · blank
  for (let tap = 0; tap < taps; tap++) {
    augmented.set(weight.subarray(tap * IC * OC, (tap + 1) * IC * OC), tap * (IC + 1) * OC);
    for (let o = 0; o < OC; o++) {
      let sum = 0;
      for (let i = 0; i < IC; i++) sum += weight[(tap * IC + i) * OC + o] * blank[i];
      tapBlank[tap * OC + o] = sum;
      augmented[(tap * (IC + 1) + IC) * OC + o] = sum;
    }
  }
  // per range of taps inside the input, what blank paper adds there
  const fields = new Map<number, Float32Array>();
  const field = (ky0: number, ky1: number, kx0: number, kx1: number): Float32Array => {
    const key = ((ky0 * 16 + ky1) * 16 + kx0) * 16 + kx1;
    let f = fields.get(key);
    if (!f) {
      const sum = new Float64Array(OC);
      for (let ky = ky0; ky <= ky1; ky++) for (let kx = kx0; kx <= kx1; kx++) for (let o = 0; o < OC; o++) sum[o] += tapBlank[(ky * KW + kx) * OC + o];
      fields.set(key, (f = Float32Array.from(sum)));
    }
    return f;
  };
  return (n, l, out, inp, s, ws) => {
    if (l !== 1) return plainConv(n, l, out, inp, s, ws);
    const pixels = s.H * s.W, IC1 = IC + 1;
    const folded = (ws.folded = room(ws.folded, pixels * IC1));
    for (let p = 0; p < pixels; p++) {
      const a = p * IC, b = p * IC1;
      let same = true;
      for (let i = 0; i < IC; i++) if (inp[a + i] !== blank[i]) { same = false; break; }
      if (same) for (let i = 0; i < IC1; i++) folded[b + i] = 0;
      else {
        for (let i = 0; i < IC; i++) folded[b + i] = inp[a + i];
        folded[b + IC] = -1;
      }
    }
    const shape: ConvShape = { ...s, IC: IC1 };
    conv2dForward(out, folded, augmented, bias, 1, shape);
    addBlankField(out, s, field);
  };
}

/** adds to every output what blank paper adds over its taps inside the input */
function addBlankField(out: Float32Array, s: ConvShape, field: (ky0: number, ky1: number, kx0: number, kx1: number) => Float32Array): void {
  const { H, W, OH, OW, OC, KH, KW, stride, pad } = s;
  for (let oy = 0; oy < OH; oy++) {
    const ky0 = Math.max(0, pad - oy * stride), ky1 = Math.min(KH - 1, H - 1 - oy * stride + pad);
    for (let ox = 0; ox < OW; ox++) {
      const kx0 = Math.max(0, pad - ox * stride), kx1 = Math.min(KW - 1, W - 1 - ox * stride + pad);
      const f = field(ky0, ky1, kx0, kx1);
      const o = (oy * OW + ox) * OC;
      for (let c = 0; c < OC; c++) out[o + c] += f[c];
    }
  }
}
