import { IMAGE_SIDE } from '../dims';
import { LINE_ROWS, type LineImage } from '../image/line';
import { conv2dForward, convOutSide, type ConvShape } from './kernels/conv2d';
import { linearForward, type linearForwardBatched } from './kernels/linear';
import { reluForward } from './kernels/relu';
import { softmaxForward } from './kernels/softmax';
import type { Network } from './network';

// a line reader's network read over a whole line. the network itself is an ordinary one over 28×28
// windows (convolutions, then dense layers, LINE_CLASSES out: shared/model/network.ts), so the model
// file, int8 and checks are the digit model's. over a line, its convolutions run once, across the
// whole line padded by LINE_PAD empty columns each side, and its dense layers read every stretch of
// their output as wide as one window's: frame t is what the network says of the 28-column window of
// the padded line starting at column S·t (S: the convolutions' total stride), except that a lone
// window would see zeros past its own edges where the line has its neighbours' ink. overlapping
// windows share the convolutions' work: that is what makes a frame every 4 columns cheap.

/** empty columns before and after the line, so its first and last digits are centred in some window */
export const LINE_PAD = IMAGE_SIDE / 2;

/** the columns the convolutions run over for a line `width` wide (its padding too): what reading it costs, per phase */
export const paddedWidth = (width: number): number => width + 2 * LINE_PAD;

export interface LineGeometry {
  convs: ConvShape[]; // each convolution over the padded line
  stride: number; // S: line columns from one frame to the next
  span: number; // columns of the last convolution's output one frame reads: a window's
  features: number; // what the first dense layer reads per frame: rows × span × channels
  T: number; // frames
  phase: number; // extra empty columns before the line (training draws them; reading uses 0)
}

/** the layers of a line reader's network that are convolutions: all those before its first dense layer */
export function convLayers(net: Network): number {
  let n = 0;
  while (n < net.layers.length && net.layers[n].conv) n++;
  return n;
}

/** line columns from one frame to the next: the convolutions' strides multiplied */
export const lineStride = (net: Network): number => net.layers.slice(0, convLayers(net)).reduce((s, l) => s * l.conv!.stride, 1);

/** how `net` reads a line `width` columns wide; `phase` (0..S-1) shifts every frame left by that many columns */
export function lineGeometry(net: Network, width: number, phase = 0): LineGeometry {
  const n = convLayers(net);
  if (n === 0 || n === net.layers.length) throw new Error('a line reader reads with convolutions, then dense layers');
  let W = paddedWidth(width) + phase;
  const convs = net.layers.slice(0, n).map(({ conv }) => {
    const c = conv!;
    const OW = convOutSide(W, c.KW, c.stride, c.pad);
    const shape = { ...c, W, OW };
    W = OW;
    return shape;
  });
  const last = net.layers[n - 1].conv!;
  const span = last.OW;
  return { convs, stride: lineStride(net), span, features: last.OH * span * last.OC, T: Math.max(0, W - span + 1), phase };
}

/** the line column at the centre of frame t's window */
export const frameCentre = (g: LineGeometry, t: number): number => g.stride * t + IMAGE_SIDE / 2 - LINE_PAD - g.phase;

/** buffers reused from line to line (they grow to the widest line read); one per network and thread */
export interface LineWorkspace {
  x: Float32Array; // (LINE_ROWS, padded width): the line times inputScale
  acts: Float32Array[]; // per layer: a convolution's (OH, OW, OC) over the line, then each dense layer's (T, out)
  frames: Float32Array; // (T, features): each frame's stretch of the last convolution's output (reading: folded, line-fold.ts)
  probs: Float32Array; // (T, classes)
  folded: Float32Array; // reading only: a convolution's input with its blank pixels folded (line-fold.ts)
  blank: Uint8Array; // reading only: 1 where the last convolution's output is blank paper's
  grads: Float32Array[]; // training only: same shapes as acts (shared/train/line-backward.ts)
  dframes: Float32Array;
}

export const createLineWorkspace = (): LineWorkspace => ({ x: new Float32Array(0), acts: [], frames: new Float32Array(0), probs: new Float32Array(0), folded: new Float32Array(0), blank: new Uint8Array(0), grads: [], dframes: new Float32Array(0) });

/** `a` when it holds n values, else a new array with room to spare (lines differ in width) */
export const room = (a: Float32Array | undefined, n: number): Float32Array => (a && a.length >= n ? a : new Float32Array(Math.ceil(n * 1.25)));

/** convolution l of `net` over the line: out = conv(inp) + bias, before its ReLU */
export type ConvStep = (net: Network, l: number, out: Float32Array, inp: Float32Array, s: ConvShape, ws: LineWorkspace) => void;

/** convolution l as training runs it: its own weights over its input as it is */
export const plainConv: ConvStep = (net, l, out, inp, s) => conv2dForward(out, inp, net.layers[l].weight, net.layers[l].bias, 1, s);

/** the line times inputScale in ws.x, padded, then the convolutions over it (each its ReLU): the last one's output (OH, OW, OC) */
export function convsForward(net: Network, line: LineImage, inputScale: number, ws: LineWorkspace, g: LineGeometry, conv: ConvStep = plainConv): Float32Array {
  const { convs } = g;
  const W = convs[0].W;
  ws.x = room(ws.x, LINE_ROWS * W);
  const x = ws.x;
  x.fill(0, 0, LINE_ROWS * W);
  const left = LINE_PAD + g.phase;
  for (let r = 0; r < LINE_ROWS; r++) {
    const src = r * line.width, dst = r * W + left;
    for (let c = 0; c < line.width; c++) x[dst + c] = line.pixels[src + c] * inputScale;
  }
  let inp = x;
  convs.forEach((s, l) => {
    const N = s.OH * s.OW * s.OC;
    const out = (ws.acts[l] = room(ws.acts[l], N));
    conv(net, l, out, inp, s, ws);
    reluForward(out, out, N);
    inp = out;
  });
  return inp;
}

/**
 * the dense layers over the frames `inp` (T, IN), then the softmax: probs (T, classes) in ws. `first`:
 * the first dense layer's weights as `inp` reads them (reading folds them: line-fold.ts)
 */
export function denseForward(
  net: Network, inp: Float32Array, T: number, ws: LineWorkspace,
  linear: typeof linearForward | typeof linearForwardBatched = linearForward, first?: { weight: Float32Array; inSize: number },
): Float32Array {
  const L = net.layers.length, n = convLayers(net);
  for (let l = n; l < L; l++) {
    const { weight, bias, inSize, outSize } = l === n && first ? { ...net.layers[l], ...first } : net.layers[l];
    const out = (ws.acts[l] = room(ws.acts[l], T * outSize));
    linear(out, inp, weight, bias, T, inSize, outSize);
    if (l < L - 1) reluForward(out, out, T * outSize);
    inp = out;
  }
  const C = net.sizes[L];
  ws.probs = room(ws.probs, T * C);
  softmaxForward(ws.probs, inp, T, C);
  return ws.probs.subarray(0, T * C);
}

/**
 * the frames of a line as training reads them: probs (T, classes), each a view into `ws` valid until its
 * next use, with every activation kept for the gradient (shared/train/line-backward.ts). reading folds
 * blank paper out of the work (line-fold.ts lineForwardRead): the same answers within float32 rounding
 */
export function lineForward(net: Network, line: LineImage, inputScale: number, ws: LineWorkspace, phase = 0): { probs: Float32Array; geometry: LineGeometry } {
  const g = lineGeometry(net, line.width, phase);
  const { convs, span, features: F, T } = g;
  const conv = convsForward(net, line, inputScale, ws, g);
  // frame t reads columns t..t+span-1 of every row of the last convolution's output: in HWC, one
  // contiguous run of span × channels per row, laid out as a window's output is
  const { OH, OW, OC } = convs[convs.length - 1];
  ws.frames = room(ws.frames, T * F);
  const frames = ws.frames;
  for (let t = 0; t < T; t++) {
    for (let y = 0; y < OH; y++) frames.set(conv.subarray((y * OW + t) * OC, (y * OW + t + span) * OC), t * F + y * span * OC);
  }
  return { probs: denseForward(net, frames, T, ws), geometry: g };
}

/**
 * what a line costs the reading pass (line-fold.ts) besides its columns: the last convolution's cells
 * whose receptive field holds ink at some phase. the others read blank paper, which the fold makes cheap
 */
export function inkedCells(net: Network, line: LineImage): number {
  const g = lineGeometry(net, line.width);
  let jump = 1, offset = 0, field = 1; // a last-convolution cell o reads input [o·jump − offset, o·jump − offset + field)
  for (const c of g.convs) {
    field += (c.KW - 1) * jump;
    offset += c.pad * jump;
    jump *= c.stride;
  }
  const { OH, OW } = g.convs[g.convs.length - 1];
  const { width, pixels } = line;
  // each column's inked rows, as bits
  const rows = new Int32Array(width);
  for (let y = 0; y < LINE_ROWS; y++) for (let x = 0; x < width; x++) if (pixels[y * width + x] !== 0) rows[x] |= 1 << y;
  const inked = new Int32Array(width + 1);
  let cells = 0;
  for (let oy = 0; oy < OH; oy++) {
    const top = Math.max(0, oy * jump - offset), bottom = Math.min(LINE_ROWS, oy * jump - offset + field);
    const band = top >= bottom ? 0 : (bottom - top >= 31 ? -1 : ((1 << (bottom - top)) - 1) << top);
    for (let x = 0; x < width; x++) inked[x + 1] = inked[x] + ((rows[x] & band) !== 0 ? 1 : 0);
    for (let u = 0; u < OW; u++) {
      // line columns the cell reads at any phase (a phase moves the line right by up to jump − 1 columns)
      const from = Math.max(0, u * jump - offset - LINE_PAD - (jump - 1)), to = Math.min(width, u * jump - offset + field - LINE_PAD);
      if (to > from && inked[to] > inked[from]) cells++;
    }
  }
  return cells;
}
