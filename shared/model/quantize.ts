import type { Network } from './network';

// int8 weights with one float32 scale per weight row (one input unit's fan-out), symmetric around 0.
// biases stay float32: they are few and sensitive. about a quarter of the float32 size.

export interface QuantizedLayer {
  scales: Float32Array; // (IN): row i's weights are q · scales[i]
  bias: Float32Array; // (OUT)
  weight: Int8Array; // (IN, OUT)
}

export function quantizeLayer(weight: Float32Array, bias: Float32Array, IN: number, OUT: number): QuantizedLayer {
  const scales = new Float32Array(IN);
  const q = new Int8Array(IN * OUT);
  for (let i = 0; i < IN; i++) {
    let max = 0;
    for (let j = 0; j < OUT; j++) max = Math.max(max, Math.abs(weight[i * OUT + j]));
    const scale = max / 127;
    scales[i] = scale;
    if (scale === 0) continue;
    const inv = 1 / scale;
    for (let j = 0; j < OUT; j++) q[i * OUT + j] = Math.max(-127, Math.min(127, Math.round(weight[i * OUT + j] * inv)));
  }
  return { scales, bias: Float32Array.from(bias), weight: q };
}

export function dequantizeLayer(out: Float32Array, layer: QuantizedLayer, IN: number, OUT: number): void {
  for (let i = 0; i < IN; i++) {
    const s = layer.scales[i];
    for (let j = 0; j < OUT; j++) out[i * OUT + j] = layer.weight[i * OUT + j] * s;
  }
}

export function quantizeNetwork(net: Network): QuantizedLayer[] {
  // a conv layer's weight is a (KH·KW·IC, OC) matrix: one scale per kernel tap's fan-out
  return net.layers.map((l) => quantizeLayer(l.weight, l.bias, l.rows, l.cols));
}
