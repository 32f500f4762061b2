import type { Rng } from '../rng';
import { convOutSide, type ConvShape } from './kernels/conv2d';

// a feed-forward network: sizes = [D, A1, ..., K] activations per image, ReLU between layers,
// softmax at the end. each layer is dense (fully connected) or a convolution (kernels/conv2d.ts);
// convolutions come first and read the image as (side, side, 1), each the previous one's HWC output.
// all parameters live in one Float32Array (saving is one copy); each layer is a pair of views:
//   weight (ROWS, COLS) row-major: one input's (dense) or one kernel tap's (conv) fan-out is
//                       contiguous, so zero inputs skip a whole row. dense: (IN, OUT); conv: (KH·KW·IC, OC)
//   bias   (COLS)

/** a convolution layer as the model file and the trainer's --arch name it */
export interface ConvSpec {
  kind: 'conv';
  channels: number; // output channels
  kernel: number; // square kernel side
  stride: number;
  pad: number; // zeros around each side
}

/** one weight layer: 'dense', or a convolution */
export type LayerKind = 'dense' | ConvSpec;

export interface Layer {
  inSize: number;
  outSize: number;
  rows: number; // weight rows: IN, or KH·KW·IC
  cols: number; // weight columns and biases: OUT, or OC
  conv: ConvShape | null;
  weight: Float32Array; // (ROWS, COLS)
  bias: Float32Array; // (COLS)
}

export interface Network {
  sizes: readonly number[];
  kinds: readonly LayerKind[]; // one per layer
  params: Float32Array; // all weights and biases, layer by layer
  layers: Layer[];
}

export type LayerShape = Omit<Layer, 'weight' | 'bias'>;

const MAX_CONV = { channels: 1024, kernel: 15, stride: 8 };

/** a readable name: "conv16k3s2" (pad 0) or "conv16k3s1p1" */
export const convName = (c: ConvSpec): string => `conv${c.channels}k${c.kernel}s${c.stride}${c.pad ? `p${c.pad}` : ''}`;

/** the activation sizes a stack of convolutions over a side × side image gives: [side², C1·H1·W1, …] */
export function convSizes(side: number, convs: readonly ConvSpec[]): number[] {
  const sizes = [side * side];
  let H = side;
  for (const c of convs) {
    H = convOutSide(H, c.kernel, c.stride, c.pad);
    if (H < 1) throw new Error(`${convName(c)} does not fit its ${sizes.length === 1 ? side : 'previous layer\'s'} input`);
    sizes.push(H * H * c.channels);
  }
  return sizes;
}

/** every layer's shape, checked: convolutions only first, each consistent with the sizes */
export function layerShapes(sizes: readonly number[], kinds?: readonly LayerKind[]): LayerShape[] {
  checkSizes(sizes);
  const L = sizes.length - 1;
  if (kinds !== undefined && kinds.length !== L) throw new Error(`${kinds.length} layer kinds for ${L} layers`);
  const shapes: LayerShape[] = [];
  let image: { H: number; W: number; C: number } | null = null; // the previous conv's output, or the input image
  for (let l = 0; l < L; l++) {
    const IN = sizes[l], OUT = sizes[l + 1];
    const kind = kinds?.[l] ?? 'dense';
    if (kind === 'dense') {
      shapes.push({ inSize: IN, outSize: OUT, rows: IN, cols: OUT, conv: null });
      image = null;
      continue;
    }
    if (kind?.kind !== 'conv') throw new Error(`layer ${l + 1} is ${JSON.stringify(kind)}, not "dense" or a conv`);
    const { channels, kernel, stride, pad } = kind;
    const int = (v: unknown, lo: number, hi: number) => Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;
    if (!int(channels, 1, MAX_CONV.channels) || !int(kernel, 1, MAX_CONV.kernel) || !int(stride, 1, MAX_CONV.stride) || !int(pad, 0, kernel - 1)) {
      throw new Error(`layer ${l + 1}'s conv needs integer channels 1..${MAX_CONV.channels}, kernel 1..${MAX_CONV.kernel}, stride 1..${MAX_CONV.stride}, pad 0..kernel-1`);
    }
    if (l === 0) {
      const side = Math.round(Math.sqrt(IN));
      if (side * side !== IN) throw new Error(`a conv first layer reads a square image; ${IN} inputs are not one`);
      image = { H: side, W: side, C: 1 };
    } else if (image === null) {
      throw new Error(`layer ${l + 1} is a conv after a dense layer: convolutions come first`);
    }
    const OH = convOutSide(image.H, kernel, stride, pad), OW = convOutSide(image.W, kernel, stride, pad);
    if (OH < 1 || OW < 1 || OH * OW * channels !== OUT) throw new Error(`layer ${l + 1}'s conv over ${image.H}×${image.W}×${image.C} gives ${Math.max(0, OH)}×${Math.max(0, OW)}×${channels}, not the ${OUT} outputs the sizes say`);
    const conv: ConvShape = { H: image.H, W: image.W, IC: image.C, OH, OW, OC: channels, KH: kernel, KW: kernel, stride, pad };
    shapes.push({ inSize: IN, outSize: OUT, rows: kernel * kernel * image.C, cols: channels, conv });
    image = { H: OH, W: OW, C: channels };
  }
  return shapes;
}

export function paramCount(sizes: readonly number[], kinds?: readonly LayerKind[]): number {
  if (kinds === undefined || kinds.every((k) => k === 'dense')) {
    let n = 0;
    for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
    return n;
  }
  let n = 0;
  for (const s of layerShapes(sizes, kinds)) n += s.rows * s.cols + s.cols;
  return n;
}

export const hasConv = (kinds: readonly LayerKind[] | undefined): boolean => kinds?.some((k) => k !== 'dense') ?? false;

export function checkSizes(sizes: readonly number[]): void {
  if (sizes.length < 2) throw new Error(`a network needs at least an input and an output size, got [${sizes.join(', ')}]`);
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1 || s > 65536) throw new Error(`layer sizes must be integers in 1..65536, got [${sizes.join(', ')}]`);
  }
}

/**
 * views over `params` (allocated when not given); `params` may be a SharedArrayBuffer view.
 * `kinds`: one per layer, all dense when absent
 */
export function createNetwork(sizes: readonly number[], params?: Float32Array, kinds?: readonly LayerKind[]): Network {
  const shapes = layerShapes(sizes, kinds);
  const total = paramCount(sizes, kinds);
  const p = params ?? new Float32Array(total);
  if (p.length !== total) throw new Error(`expected ${total} parameters for [${sizes.join(', ')}], got ${p.length}`);
  const layers: Layer[] = [];
  let offset = 0;
  for (const shape of shapes) {
    const weight = p.subarray(offset, offset + shape.rows * shape.cols);
    offset += shape.rows * shape.cols;
    const bias = p.subarray(offset, offset + shape.cols);
    offset += shape.cols;
    layers.push({ ...shape, weight, bias });
  }
  return { sizes: [...sizes], kinds: kinds ? [...kinds] : shapes.map(() => 'dense'), params: p, layers };
}

/** He-normal weights (std sqrt(2 / fan_in)), zero biases: keeps ReLU activations at a stable scale */
export function initHe(net: Network, rng: Rng): void {
  for (const layer of net.layers) {
    const std = Math.sqrt(2 / layer.rows); // fan-in: a unit's inputs, or a conv output's kernel taps
    for (let i = 0; i < layer.weight.length; i++) layer.weight[i] = rng.normal() * std;
    layer.bias.fill(0);
  }
}

/** the seed article's initialisation: every weight and bias uniform in [-0.5, 0.5) */
export function initUniform(net: Network, rng: Rng): void {
  for (const layer of net.layers) {
    for (let i = 0; i < layer.weight.length; i++) layer.weight[i] = rng.uniform() - 0.5;
    for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = rng.uniform() - 0.5;
  }
}
