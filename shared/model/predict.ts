import { D, PIXEL_MAX } from '../dims';
import { createWorkspace, forward, type Workspace } from './forward';
import type { Network } from './network';

// what the Worker and the browser ask of a model: 0..255 pixels in, a digit out.

export interface Prediction {
  digit: number;
  confidence: number; // probability of `digit`
  probabilities: number[]; // (K)
}

/** index of the largest value in a[from, from + n) */
export function argmax(a: ArrayLike<number>, from = 0, n = a.length - from): number {
  let best = 0;
  for (let k = 1; k < n; k++) if (a[from + k] > a[from + best]) best = k;
  return best;
}

export interface Predictor {
  /** images: (B, D) values 0..255, ink bright on dark */
  predict(images: ArrayLike<number>[]): Prediction[];
}

/** wraps a network with reusable buffers; B grows as needed. inputScale comes from the model header */
export function createPredictor(net: Network, inputScale = 1 / PIXEL_MAX): Predictor {
  let ws: Workspace | null = null;
  let x = new Float32Array(0);
  const K = net.sizes[net.sizes.length - 1];
  return {
    predict(images) {
      const B = images.length;
      if (B === 0) return [];
      if (ws === null || ws.B < B) {
        ws = createWorkspace(net.sizes, B);
        x = new Float32Array(B * D);
      }
      for (let b = 0; b < B; b++) {
        const img = images[b];
        if (img.length !== D) throw new Error(`image ${b} has ${img.length} pixels, expected ${D}`);
        for (let d = 0; d < D; d++) x[b * D + d] = img[d] * inputScale;
      }
      const probs = forward(net, x, B, ws);
      const out: Prediction[] = [];
      for (let b = 0; b < B; b++) {
        const probabilities = Array.from(probs.subarray(b * K, (b + 1) * K));
        const digit = argmax(probabilities);
        out.push({ digit, confidence: probabilities[digit], probabilities });
      }
      return out;
    },
  };
}
