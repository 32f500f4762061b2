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
  frames: Float32Array; // (T, features): each frame's stretch of the last convolution's output
  probs: Float32Array; // (T, classes)
  grads: Float32Array[]; // training only: same shapes as acts (shared/train/line-backward.ts)
  dframes: Float32Array;
}

export const createLineWorkspace = (): LineWorkspace => ({ x: new Float32Array(0), acts: [], frames: new Float32Array(0), probs: new Float32Array(0), grads: [], dframes: new Float32Array(0) });

/** `a` when it holds n values, else a new array with room to spare (lines differ in width) */
export const room = (a: Float32Array | undefined, n: number): Float32Array => (a && a.length >= n ? a : new Float32Array(Math.ceil(n * 1.25)));

/**
 * the frames of a line: probs (T, classes), each a view into `ws` valid until its next use. `linear`:
 * the dense kernel (reading passes linearForwardBatched; training linearForward, whose gradient
 * linearBackward is).
 */
export function lineForward(net: Network, line: LineImage, inputScale: number, ws: LineWorkspace, phase = 0, linear: typeof linearForward | typeof linearForwardBatched = linearForward): { probs: Float32Array; geometry: LineGeometry } {
  const g = lineGeometry(net, line.width, phase);
  const { convs, span, features: F, T } = g;
  const W = convs[0].W;
  ws.x = room(ws.x, LINE_ROWS * W);
  const x = ws.x;
  x.fill(0, 0, LINE_ROWS * W);
  const left = LINE_PAD + phase;
  for (let r = 0; r < LINE_ROWS; r++) {
    const src = r * line.width, dst = r * W + left;
    for (let c = 0; c < line.width; c++) x[dst + c] = line.pixels[src + c] * inputScale;
  }
  let inp = x;
  convs.forEach((s, l) => {
    const N = s.OH * s.OW * s.OC;
    const out = (ws.acts[l] = room(ws.acts[l], N));
    conv2dForward(out, inp, net.layers[l].weight, net.layers[l].bias, 1, s);
    reluForward(out, out, N);
    inp = out;
  });
  // frame t reads columns t..t+span-1 of every row of the last convolution's output: in HWC, one
  // contiguous run of span × channels per row, laid out as a window's output is
  const { OH, OW, OC } = convs[convs.length - 1];
  ws.frames = room(ws.frames, T * F);
  const frames = ws.frames;
  for (let t = 0; t < T; t++) {
    for (let y = 0; y < OH; y++) frames.set(inp.subarray((y * OW + t) * OC, (y * OW + t + span) * OC), t * F + y * span * OC);
  }
  inp = frames;
  const L = net.layers.length;
  for (let l = convs.length; l < L; l++) {
    const { weight, bias, inSize, outSize } = net.layers[l];
    const out = (ws.acts[l] = room(ws.acts[l], T * outSize));
    linear(out, inp, weight, bias, T, inSize, outSize);
    if (l < L - 1) reluForward(out, out, T * outSize);
    inp = out;
  }
  const C = net.sizes[L];
  ws.probs = room(ws.probs, T * C);
  softmaxForward(ws.probs, inp, T, C);
  return { probs: ws.probs.subarray(0, T * C), geometry: g };
}
