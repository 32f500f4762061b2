// a round, anti-aliased pen on a square canvas: the ink map a drawing pad would hand to
// shared/image/preprocess.ts (preprocessPixels). written for the uncertainty tuning data, on purpose
// separate from the evaluation sets' generators (whose pictures are for measuring only).

/** (side, side) ink 0..255, ink bright */
export interface Canvas {
  side: number;
  ink: Float32Array;
}

export const createCanvas = (side: number): Canvas => ({ side, ink: new Float32Array(side * side) });

/** one straight piece of stroke from (x0, y0) to (x1, y1), pen radius r px: coverage falls off over the last pixel */
export function stroke(c: Canvas, x0: number, y0: number, x1: number, y1: number, r: number): void {
  const { side, ink } = c;
  const dx = x1 - x0, dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  const left = Math.max(0, Math.floor(Math.min(x0, x1) - r - 1)), right = Math.min(side - 1, Math.ceil(Math.max(x0, x1) + r + 1));
  const top = Math.max(0, Math.floor(Math.min(y0, y1) - r - 1)), bottom = Math.min(side - 1, Math.ceil(Math.max(y0, y1) + r + 1));
  for (let y = top; y <= bottom; y++) {
    for (let x = left; x <= right; x++) {
      // distance from the pixel centre to the segment
      const px = x + 0.5 - x0, py = y + 0.5 - y0;
      const t = len2 > 0 ? Math.min(1, Math.max(0, (px * dx + py * dy) / len2)) : 0;
      const ex = px - t * dx, ey = py - t * dy;
      const cover = Math.min(1, Math.max(0, r + 0.5 - Math.sqrt(ex * ex + ey * ey)));
      const i = y * side + x;
      if (cover * 255 > ink[i]) ink[i] = cover * 255;
    }
  }
}

/** a polyline [x0, y0, x1, y1, …] */
export function polyline(c: Canvas, points: readonly number[], r: number): void {
  if (points.length === 2) stroke(c, points[0], points[1], points[0], points[1], r);
  for (let k = 2; k + 1 < points.length; k += 2) stroke(c, points[k - 2], points[k - 1], points[k], points[k + 1], r);
}
