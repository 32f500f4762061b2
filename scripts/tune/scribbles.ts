import type { Rng } from '../../shared/rng';
import { createCanvas, polyline, type Canvas } from './pen';

// scribbles for tuning the uncertain flag: things people draw that are no digit. each is one to
// three strokes of a kind below, drawn with a round pen on a square pad. a generator of our own,
// kept apart from the evaluation sets' generators (whose scribbles only measure), so thresholds never fit that set.

const SIDE = 112;
const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.uniform();

/** a wandering line: heading turns a little at each step, sometimes sharply */
function wander(rng: Rng): number[] {
  const pts = [between(rng, 20, 92), between(rng, 20, 92)];
  let heading = between(rng, 0, 2 * Math.PI);
  const steps = 20 + rng.int(60);
  const turn = between(rng, 0.1, 0.6);
  for (let s = 0; s < steps; s++) {
    heading += rng.normal() * turn + (rng.uniform() < 0.05 ? between(rng, -2.5, 2.5) : 0);
    const x = pts[pts.length - 2] + 3 * Math.cos(heading), y = pts[pts.length - 1] + 3 * Math.sin(heading);
    // turn back from the pad's edge
    if (x < 6 || x > SIDE - 6 || y < 6 || y > SIDE - 6) heading += Math.PI;
    pts.push(Math.min(SIDE - 6, Math.max(6, x)), Math.min(SIDE - 6, Math.max(6, y)));
  }
  return pts;
}

/** back and forth across an area: zigzags and hatching */
function zigzag(rng: Rng): number[] {
  const cx = between(rng, 35, 77), cy = between(rng, 35, 77);
  const w = between(rng, 20, 70), h = between(rng, 20, 70);
  const angle = between(rng, 0, Math.PI);
  const n = 3 + rng.int(8);
  const pts: number[] = [];
  for (let i = 0; i <= n; i++) {
    const u = (i / n - 0.5) * w, v = (i % 2 ? 0.5 : -0.5) * h + rng.normal() * 3;
    pts.push(cx + u * Math.cos(angle) - v * Math.sin(angle), cy + u * Math.sin(angle) + v * Math.cos(angle));
  }
  return pts;
}

/** loops drifting sideways, or a spiral; loops at least 3 pen widths across, so they stay open */
function loops(rng: Rng, pen: number): number[] {
  const spiral = rng.uniform() < 0.4;
  const turns = spiral ? between(rng, 1.5, 4) : between(rng, 2, 6);
  const r = between(rng, Math.max(8, 3 * pen), 24);
  const cx = between(rng, 30, 82), cy = between(rng, 30, 82);
  const drift = spiral ? 0 : between(rng, -12, 12);
  const squash = between(rng, 0.5, 1.3);
  const pts: number[] = [];
  const steps = Math.round(turns * 24);
  for (let s = 0; s <= steps; s++) {
    const t = (s / 24) * 2 * Math.PI;
    const radius = spiral ? r * (0.2 + (1.6 * s) / steps) : r;
    pts.push(cx + radius * Math.cos(t) + (drift * s) / 24 - (drift * turns) / 2, cy + squash * radius * Math.sin(t));
  }
  return pts.map((v) => Math.min(SIDE - 6, Math.max(6, v)));
}

/** a few short dashes and dots scattered over the pad */
function dashes(rng: Rng): number[][] {
  return Array.from({ length: 3 + rng.int(6) }, () => {
    const x = between(rng, 15, 97), y = between(rng, 15, 97);
    const a = between(rng, 0, Math.PI), l = between(rng, 0, 18);
    return [x, y, x + l * Math.cos(a), y + l * Math.sin(a)];
  });
}

/** a star or a cross-hatch of long straight strokes */
function crossings(rng: Rng): number[][] {
  const cx = between(rng, 40, 72), cy = between(rng, 40, 72);
  return Array.from({ length: 3 + rng.int(4) }, () => {
    const a = between(rng, 0, Math.PI), l = between(rng, 25, 45);
    const ox = rng.normal() * 8, oy = rng.normal() * 8;
    return [cx + ox - l * Math.cos(a), cy + oy - l * Math.sin(a), cx + ox + l * Math.cos(a), cy + oy + l * Math.sin(a)];
  });
}

const KINDS: ((rng: Rng, pen: number) => number[][])[] = [
  (rng) => [wander(rng)],
  (rng) => [wander(rng), wander(rng)],
  (rng) => [zigzag(rng)],
  (rng, pen) => [loops(rng, pen)],
  dashes,
  crossings,
  (rng, pen) => [zigzag(rng), loops(rng, pen)],
  (rng) => [wander(rng), zigzag(rng), wander(rng)],
];

/** one scribble on a SIDE × SIDE pad, pen radius 1.5–7 px */
export function scribble(rng: Rng): Canvas {
  const c = createCanvas(SIDE);
  const pen = between(rng, 1.5, 7);
  for (const line of KINDS[rng.int(KINDS.length)](rng, pen)) polyline(c, line, pen);
  return c;
}
