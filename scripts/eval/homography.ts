// the projective map between four point pairs: how a tilted phone sees a flat sheet of paper.

/** 3x3 row-major matrix h (h[8] = 1) with (u, v) = ((h0 x + h1 y + h2) / w, (h3 x + h4 y + h5) / w), w = h6 x + h7 y + 1 */
export type Homography = Float64Array;

/** the homography taking each `from` point to the matching `to` point; points as [x0, y0, …, x3, y3] */
export function homographyFromPoints(from: readonly number[], to: readonly number[]): Homography {
  const a: number[][] = [];
  for (let k = 0; k < 4; k++) {
    const x = from[2 * k], y = from[2 * k + 1], u = to[2 * k], v = to[2 * k + 1];
    a.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    a.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  // gaussian elimination with partial pivoting on the 8x9 augmented matrix
  for (let col = 0; col < 8; col++) {
    let pivot = col;
    for (let r = col + 1; r < 8; r++) if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) pivot = r;
    if (Math.abs(a[pivot][col]) < 1e-12) throw new Error('homography: three of the four points are on one line');
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < 8; r++) {
      if (r === col) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c < 9; c++) a[r][c] -= f * a[col][c];
    }
  }
  const h = new Float64Array(9);
  for (let r = 0; r < 8; r++) h[r] = a[r][8] / a[r][r];
  h[8] = 1;
  return h;
}

/** maps (x, y) through h into out[0], out[1] */
export function applyHomography(h: Homography, x: number, y: number, out: Float64Array): void {
  const w = h[6] * x + h[7] * y + h[8];
  out[0] = (h[0] * x + h[1] * y + h[2]) / w;
  out[1] = (h[3] * x + h[4] * y + h[5]) / w;
}
