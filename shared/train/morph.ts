// grayscale thickening and thinning of strokes: one step moves each pixel `amount` of the way to
// the max (dilate) or min (erode) of itself and its 4 neighbours; zero outside the image.
// a full step changes a stroke's width by about 2 px; amount 0.5 by about 1 px.

/** out = inp moved `amount` (0..1) of the way to its 3x3 cross max (dilate) or min (erode); out and inp must differ */
export function morphStep(out: Float32Array, inp: Float32Array, width: number, height: number, dilate: boolean, amount: number): void {
  // max (s > 0) or min (s < 0) without branches: (a + b) / 2 ± |a - b| / 2, exact for float32 inputs
  const s = dilate ? 0.5 : -0.5;
  const lastX = width - 1, lastY = height - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const c = inp[i];
      const l = x > 0 ? inp[i - 1] : 0;
      const r = x < lastX ? inp[i + 1] : 0;
      const u = y > 0 ? inp[i - width] : 0;
      const d = y < lastY ? inp[i + width] : 0;
      let e = 0.5 * (c + l) + s * Math.abs(c - l);
      e = 0.5 * (e + r) + s * Math.abs(e - r);
      e = 0.5 * (e + u) + s * Math.abs(e - u);
      e = 0.5 * (e + d) + s * Math.abs(e - d);
      out[i] = c + amount * (e - c);
    }
  }
}

/**
 * changes stroke width by `steps` morph steps (> 0 thicker, < 0 thinner; fractional steps blend),
 * in place on img, using scratch (same length) for the passes.
 */
export function morphBy(img: Float32Array, scratch: Float32Array, width: number, height: number, steps: number): void {
  const dilate = steps > 0;
  let left = Math.abs(steps);
  while (left > 1e-6) {
    const amount = Math.min(1, left);
    morphStep(scratch, img, width, height, dilate, amount);
    img.set(scratch);
    left -= amount;
  }
}
