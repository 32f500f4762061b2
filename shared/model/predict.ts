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
  /** images: B images of D values 0..255, ink bright on dark */
  predict(images: ArrayLike<number>[]): Prediction[];
  /** the same for B images packed one after another: pixels (B, D) */
  predictPacked(pixels: Float32Array, B: number): Prediction[];
}

/** wraps a network with reusable buffers; B grows as needed. inputScale comes from the model header */
export function createPredictor(net: Network, inputScale = 1 / PIXEL_MAX): Predictor {
  let ws: Workspace | null = null;
  let x = new Float32Array(0); // (B, D) scaled inputs
  const K = net.sizes[net.sizes.length - 1];

  function reserve(B: number): Workspace {
    if (ws === null || ws.B < B) {
      ws = createWorkspace(net.sizes, B);
      x = new Float32Array(B * D);
    }
    return ws;
  }

  /** forward over x[0, B·D) and one Prediction per image */
  function run(B: number, workspace: Workspace): Prediction[] {
    const probs = forward(net, x, B, workspace);
    const out: Prediction[] = new Array(B);
    for (let b = 0; b < B; b++) {
      const probabilities: number[] = new Array(K);
      for (let k = 0; k < K; k++) probabilities[k] = probs[b * K + k];
      const digit = argmax(probabilities);
      out[b] = { digit, confidence: probabilities[digit], probabilities };
    }
    return out;
  }

  return {
    predict(images) {
      const B = images.length;
      if (B === 0) return [];
      const workspace = reserve(B);
      for (let b = 0; b < B; b++) {
        const img = images[b];
        if (img.length !== D) throw new Error(`image ${b} has ${img.length} pixels, expected ${D}`);
        for (let d = 0; d < D; d++) x[b * D + d] = img[d] * inputScale;
      }
      return run(B, workspace);
    },
    predictPacked(pixels, B) {
      if (pixels.length < B * D) throw new Error(`${pixels.length} values do not hold ${B} images of ${D} pixels`);
      if (B === 0) return [];
      const workspace = reserve(B);
      for (let i = 0; i < B * D; i++) x[i] = pixels[i] * inputScale;
      return run(B, workspace);
    },
  };
}
