// glyph outlines as svg path data (M, L, Q, C, Z with absolute coordinates, y pointing down), as
// opentype.js writes them, flattened into closed polygons: the font digits the trainer renders and the
// evaluation sets' glyphs read them alike (a format reader, no augmentation in it).

/** a closed polygon, interleaved (x, y) */
export type Contour = Float64Array;

/** svg path data (absolute M L Q C Z only) to flattened closed contours, each curve in `steps` lines */
export function parsePath(d: string, steps: number): Contour[] {
  const tokens = d.match(/[MLQCZ]|-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?/gi) ?? [];
  const contours: Contour[] = [];
  let points: number[] = [];
  let i = 0;
  let x = 0;
  let y = 0;
  const num = (): number => {
    const v = Number(tokens[i++]);
    if (!Number.isFinite(v)) throw new Error(`glyph path: expected a number at token ${i - 1} of "${d.slice(0, 40)}…"`);
    return v;
  };
  const close = () => {
    if (points.length >= 6) contours.push(Float64Array.from(points));
    points = [];
  };
  while (i < tokens.length) {
    const cmd = tokens[i++].toUpperCase();
    if (cmd === 'M') {
      close();
      x = num();
      y = num();
      points.push(x, y);
    } else if (cmd === 'L') {
      x = num();
      y = num();
      points.push(x, y);
    } else if (cmd === 'Q') {
      const cx = num(), cy = num(), ex = num(), ey = num();
      for (let s = 1; s <= steps; s++) {
        const t = s / steps, u = 1 - t;
        points.push(u * u * x + 2 * u * t * cx + t * t * ex, u * u * y + 2 * u * t * cy + t * t * ey);
      }
      x = ex;
      y = ey;
    } else if (cmd === 'C') {
      const ax = num(), ay = num(), bx = num(), by = num(), ex = num(), ey = num();
      for (let s = 1; s <= steps; s++) {
        const t = s / steps, u = 1 - t;
        const a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, e = t * t * t;
        points.push(a * x + b * ax + c * bx + e * ex, a * y + b * ay + c * by + e * ey);
      }
      x = ex;
      y = ey;
    } else if (cmd === 'Z') {
      close();
    } else {
      throw new Error(`glyph path: unsupported command "${cmd}"`);
    }
  }
  close();
  return contours;
}
