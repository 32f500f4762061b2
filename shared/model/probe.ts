import { D, PIXEL_MAX } from '../dims';
import type { Predictor } from './predict';

// finite weights can still overflow: weights of 3e38 pass the decoder's finite-weights check but
// give ±Infinity logits and NaN probabilities ("confidence": null in JSON). a forward pass over a
// few fixed images at load (four images, cheap) catches that before the model answers anyone.

/** (name, 784 pixels 0..255): no ink, all ink, a checkerboard, and a fixed pseudo-random image */
export const PROBE_IMAGES: readonly (readonly [string, Uint8Array])[] = [
  ['a blank image', new Uint8Array(D)],
  ['an all-ink image', new Uint8Array(D).fill(PIXEL_MAX)],
  ['a checkerboard', Uint8Array.from({ length: D }, (_, i) => (((i % 28) + Math.floor(i / 28)) % 2) * PIXEL_MAX)],
  // a multiplicative hash of the index: grey levels everywhere, the same on every runtime
  ['a noise image', Uint8Array.from({ length: D }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 24) & 0xff)],
];

/** why the model is unusable on the probe images, or null when every probability is finite */
export function probeProblem(predictor: Predictor): string | null {
  const predictions = predictor.predict(PROBE_IMAGES.map(([, pixels]) => pixels));
  for (let p = 0; p < predictions.length; p++) {
    const k = predictions[p].probabilities.findIndex((v) => !Number.isFinite(v));
    if (k >= 0) return `on ${PROBE_IMAGES[p][0]} it answers probability ${predictions[p].probabilities[k]} for digit ${k}: its activations overflow float32`;
  }
  return null;
}
