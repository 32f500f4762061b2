import type { Rng } from '../rng';

// a multilayer perceptron: sizes = [D, H1, ..., K], ReLU between layers, softmax at the end.
// all parameters live in one Float32Array (saving is one copy); each layer is a pair of views:
//   weight (IN, OUT) row-major: one input's fan-out is contiguous, so zero inputs skip a whole row
//   bias   (OUT)

export interface Layer {
  inSize: number;
  outSize: number;
  weight: Float32Array; // (IN, OUT)
  bias: Float32Array; // (OUT)
}

export interface Network {
  sizes: readonly number[];
  params: Float32Array; // all weights and biases, layer by layer
  layers: Layer[];
}

export function paramCount(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 0; l + 1 < sizes.length; l++) n += sizes[l] * sizes[l + 1] + sizes[l + 1];
  return n;
}

export function checkSizes(sizes: readonly number[]): void {
  if (sizes.length < 2) throw new Error(`a network needs at least an input and an output size, got [${sizes.join(', ')}]`);
  for (const s of sizes) {
    if (!Number.isInteger(s) || s < 1 || s > 65536) throw new Error(`layer sizes must be integers in 1..65536, got [${sizes.join(', ')}]`);
  }
}

/** views over `params` (allocated when not given); `params` may be a SharedArrayBuffer view */
export function createNetwork(sizes: readonly number[], params?: Float32Array): Network {
  checkSizes(sizes);
  const total = paramCount(sizes);
  const p = params ?? new Float32Array(total);
  if (p.length !== total) throw new Error(`expected ${total} parameters for [${sizes.join(', ')}], got ${p.length}`);
  const layers: Layer[] = [];
  let offset = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    const IN = sizes[l], OUT = sizes[l + 1];
    const weight = p.subarray(offset, offset + IN * OUT);
    offset += IN * OUT;
    const bias = p.subarray(offset, offset + OUT);
    offset += OUT;
    layers.push({ inSize: IN, outSize: OUT, weight, bias });
  }
  return { sizes: [...sizes], params: p, layers };
}

/** He-normal weights (std sqrt(2 / fan_in)), zero biases: keeps ReLU activations at a stable scale */
export function initHe(net: Network, rng: Rng): void {
  for (const layer of net.layers) {
    const std = Math.sqrt(2 / layer.inSize);
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
