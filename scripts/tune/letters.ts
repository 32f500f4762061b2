import type { Rng } from '../../shared/rng';
import { createCanvas, polyline, type Canvas } from './pen';

// handwritten letters for tuning the uncertain flag: a centre line per letter, written here by hand
// in a unit box (x right, y down, lowercase x-height from 0.45 to 1, descenders to 1.35), drawn
// with a wobbly hand, a slant and a round pen. the letters a person could read as a digit
// (O o Q D, I l i j, Z z, S s, G b, B, g q) are left out, as they are from the evaluation set.

type Line = number[]; // [x0, y0, x1, y1, …]

/** an elliptic arc from angle a0 to a1 (degrees, 0 = right, 90 = down), as a polyline */
function arc(cx: number, cy: number, rx: number, ry: number, a0: number, a1: number): Line {
  const steps = Math.max(4, Math.round(Math.abs(a1 - a0) / 12));
  const out: Line = [];
  for (let s = 0; s <= steps; s++) {
    const t = ((a0 + ((a1 - a0) * s) / steps) * Math.PI) / 180;
    out.push(cx + rx * Math.cos(t), cy + ry * Math.sin(t));
  }
  return out;
}
const join = (...lines: Line[]): Line => lines.flat();

export const LETTER_STROKES: Record<string, Line[]> = {
  A: [[0, 1, 0.5, 0, 1, 1], [0.22, 0.6, 0.78, 0.6]],
  C: [arc(0.55, 0.5, 0.45, 0.5, -40, -320)],
  E: [[0.9, 0, 0, 0, 0, 1, 0.9, 1], [0, 0.5, 0.7, 0.5]],
  F: [[0.9, 0, 0, 0, 0, 1], [0, 0.48, 0.7, 0.48]],
  H: [[0, 0, 0, 1], [0.9, 0, 0.9, 1], [0, 0.5, 0.9, 0.5]],
  J: [join([0.85, 0, 0.85, 0.7], arc(0.5, 0.7, 0.35, 0.3, 0, 170))],
  K: [[0, 0, 0, 1], [0.9, 0, 0, 0.58], [0.3, 0.38, 0.95, 1]],
  L: [[0, 0, 0, 1, 0.8, 1]],
  M: [[0, 1, 0.05, 0, 0.5, 0.65, 0.95, 0, 1, 1]],
  N: [[0, 1, 0, 0, 0.9, 1, 0.9, 0]],
  P: [join([0, 1, 0, 0, 0.5, 0], arc(0.5, 0.26, 0.4, 0.26, -90, 90), [0.5, 0.52, 0, 0.52])],
  R: [join([0, 1, 0, 0, 0.5, 0], arc(0.5, 0.26, 0.4, 0.26, -90, 90), [0.5, 0.52, 0, 0.52]), [0.4, 0.52, 0.95, 1]],
  T: [[0, 0, 1, 0], [0.5, 0, 0.5, 1]],
  U: [join([0, 0, 0, 0.62], arc(0.45, 0.62, 0.45, 0.38, 180, 0), [0.9, 0.62, 0.9, 0])],
  V: [[0, 0, 0.5, 1, 1, 0]],
  W: [[0, 0, 0.25, 1, 0.5, 0.3, 0.75, 1, 1, 0]],
  X: [[0, 0, 1, 1], [1, 0, 0, 1]],
  Y: [[0, 0, 0.5, 0.5, 1, 0], [0.5, 0.5, 0.5, 1]],
  a: [arc(0.42, 0.72, 0.38, 0.28, -10, -370), [0.82, 0.45, 0.84, 1]],
  c: [arc(0.45, 0.72, 0.4, 0.28, -45, -315)],
  d: [arc(0.42, 0.72, 0.38, 0.28, 0, -360), [0.82, 0, 0.82, 1]],
  e: [join([0.05, 0.74, 0.85, 0.74], arc(0.45, 0.72, 0.4, 0.28, 0, -310))],
  f: [join(arc(0.6, 0.2, 0.25, 0.2, -10, -180), [0.35, 0.2, 0.35, 1.05]), [0.1, 0.45, 0.7, 0.45]],
  h: [[0, 0, 0, 1], join(arc(0.4, 0.7, 0.4, 0.25, 180, 360), [0.8, 0.7, 0.8, 1])],
  k: [[0, 0, 0, 1], [0.75, 0.45, 0, 0.78], [0.25, 0.68, 0.8, 1]],
  m: [[0, 0.45, 0, 1], join(arc(0.22, 0.65, 0.22, 0.2, 180, 360), [0.44, 0.65, 0.44, 1]), join(arc(0.66, 0.65, 0.22, 0.2, 180, 360), [0.88, 0.65, 0.88, 1])],
  n: [[0, 0.45, 0, 1], join(arc(0.38, 0.7, 0.38, 0.25, 180, 360), [0.76, 0.7, 0.76, 1])],
  p: [[0, 0.45, 0, 1.35], arc(0.4, 0.72, 0.4, 0.28, -180, 180)],
  r: [[0, 0.45, 0, 1], arc(0.4, 0.68, 0.4, 0.22, 180, 300)],
  t: [join([0.4, 0.05, 0.4, 0.85], arc(0.6, 0.85, 0.2, 0.15, 180, 60)), [0.05, 0.4, 0.8, 0.4]],
  u: [join([0, 0.45, 0, 0.78], arc(0.38, 0.78, 0.38, 0.22, 180, 0)), [0.76, 0.45, 0.78, 1]],
  v: [[0, 0.45, 0.45, 1, 0.9, 0.45]],
  w: [[0, 0.45, 0.22, 1, 0.45, 0.6, 0.68, 1, 0.9, 0.45]],
  x: [[0, 0.45, 0.8, 1], [0.8, 0.45, 0, 1]],
  y: [[0, 0.45, 0.45, 0.95], [0.9, 0.45, 0.25, 1.35]],
};

export const TUNE_LETTERS = Object.keys(LETTER_STROKES);

const SIDE = 112;
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.uniform();

/** one letter written on a SIDE × SIDE pad: random size, width, slant, tilt, wobble and pen */
export function writeLetter(letter: string, rng: Rng): Canvas {
  const c = createCanvas(SIDE);
  const size = between(rng, 45, 80);
  const sx = size * between(rng, 0.6, 1.2), sy = size;
  const slant = between(rng, -0.35, 0.35);
  const tilt = (between(rng, -12, 12) * Math.PI) / 180;
  const cos = Math.cos(tilt), sin = Math.sin(tilt);
  const wobble = between(rng, 0, 0.03) * size;
  const r = between(rng, 1.5, 6);
  const ox = SIDE / 2 - sx / 2, oy = SIDE / 2 - sy * 0.6;
  for (const line of LETTER_STROKES[letter]) {
    const pts: number[] = [];
    for (let k = 0; k < line.length; k += 2) {
      const u = line[k] * sx + slant * (1 - line[k + 1]) * sy, v = line[k + 1] * sy;
      const x = u * cos - v * sin, y = u * sin + v * cos;
      pts.push(ox + x + rng.normal() * wobble, oy + y + rng.normal() * wobble);
    }
    polyline(c, pts, r);
  }
  return c;
}
