// sets drawn with a pen on a phone: mnist test digits redrawn along their centre line, and scribbles.
import type { Rng } from '../../../shared/rng';
import { MNIST_UP, mnistUpsampled } from '../ink';
import { between, chance } from '../noise';
import { boundsOf, drawOnPhone } from '../phone';
import { CLEAN_SCAN, PHONE_PHOTO, photograph } from '../photo';
import { createRaster, cropToInk, drawPolyline } from '../raster';
import { centreLine } from '../skeleton';
import { NOT_A_DIGIT, testDigit, type Recipe } from '../set';

export const phoneStrokes: Recipe = {
  name: 'phone-strokes',
  kind: 'digits',
  count: 1000,
  seed: 0x9403,
  about: 'mnist test digits redrawn along their centre line with a round pen (fine stylus to thick finger), wobbled, on a phone canvas (transparent, white or black)',
  make(_, { rng, nextTestIndex }, sources) {
    const index = nextTestIndex();
    const image = drawOnPhone(centreLine(mnistUpsampled(testDigit(sources, index), MNIST_UP)), rng);
    return { image, label: sources.mnistTest.labels[index], mnistTest: [index], font: '' };
  },
};

/** a smooth curve through points (catmull-rom), as a polyline */
function spline(points: number[], steps = 12): number[] {
  const out: number[] = [];
  const n = points.length / 2;
  const p = (k: number, c: number) => points[2 * Math.min(n - 1, Math.max(0, k)) + c];
  for (let k = 0; k < n - 1; k++)
    for (let s = 0; s < steps; s++) {
      const t = s / steps, t2 = t * t, t3 = t2 * t;
      for (const c of [0, 1])
        out.push(0.5 * (2 * p(k, c) + (-p(k - 1, c) + p(k + 1, c)) * t + (2 * p(k - 1, c) - 5 * p(k, c) + 4 * p(k + 1, c) - p(k + 2, c)) * t2 + (-p(k - 1, c) + 3 * p(k, c) - 3 * p(k + 1, c) + p(k + 2, c)) * t3));
    }
  out.push(p(n - 1, 0), p(n - 1, 1));
  return out;
}

/** one scribble in the unit square: a tangle, a zigzag, a spiral or hatching */
function scribble(rng: Rng): number[][] {
  const kind = rng.int(4);
  if (kind === 0) {
    const pts: number[] = [];
    for (let k = 0, n = 5 + rng.int(6); k < n; k++) pts.push(rng.uniform(), rng.uniform());
    return [spline(pts)];
  }
  if (kind === 1) {
    const pts: number[] = [];
    const n = 4 + rng.int(6), vertical = chance(rng, 0.5);
    for (let k = 0; k < n; k++) {
      const along = k / (n - 1), across = k % 2 ? between(rng, 0.7, 1) : between(rng, 0, 0.3);
      pts.push(vertical ? across : along, vertical ? along : across);
    }
    return [pts];
  }
  if (kind === 2) {
    const pts: number[] = [];
    const turns = between(rng, 1.5, 3.5), dir = chance(rng, 0.5) ? 1 : -1;
    for (let t = 0; t <= 1; t += 1 / 80) {
      const r = 0.5 * (0.15 + 0.85 * t), a = dir * t * turns * 2 * Math.PI;
      pts.push(0.5 + r * Math.cos(a) + 0.15 * t, 0.5 + r * Math.sin(a));
    }
    return [pts];
  }
  const lines: number[][] = [];
  const n = 3 + rng.int(5), angle = between(rng, 0, Math.PI);
  for (let k = 0; k < n; k++) {
    const off = (k / (n - 1) - 0.5) * 0.9, len = between(rng, 0.5, 1);
    const cx = 0.5 + off * Math.cos(angle + Math.PI / 2), cy = 0.5 + off * Math.sin(angle + Math.PI / 2);
    lines.push([cx - 0.5 * len * Math.cos(angle), cy - 0.5 * len * Math.sin(angle), cx + 0.5 * len * Math.cos(angle), cy + 0.5 * len * Math.sin(angle)]);
  }
  return lines;
}

export const scribbles: Recipe = {
  name: 'scribbles',
  kind: 'ood',
  count: 500,
  seed: 0x5c21,
  about: 'random strokes (tangles, zigzags, spirals, hatching; one to three of them) on a phone canvas or photographed on paper',
  make(_, { rng }) {
    const strokes: number[][] = [];
    for (let k = 0, n = 1 + rng.int(3); k < n; k++) {
      // each further scribble lands somewhere on or beside the first
      const ox = k === 0 ? 0 : between(rng, -0.4, 0.4), oy = k === 0 ? 0 : between(rng, -0.4, 0.4), sc = k === 0 ? 1 : between(rng, 0.4, 1);
      for (const s of scribble(rng)) strokes.push(s.map((v, j) => (j % 2 ? oy : ox) + sc * v));
    }
    // scale the unit drawing to 100 px so pen sizes are in pixels
    const unit = 100;
    const scaled = strokes.map((s) => s.map((v) => v * unit));
    if (chance(rng, 0.6)) return { image: drawOnPhone(scaled, rng), label: NOT_A_DIGIT, mnistTest: [], font: '' };
    const b = boundsOf(scaled);
    const size = 96;
    const ink = createRaster(size + 20, size + 20);
    const s = size / Math.max(b.x1 - b.x0, b.y1 - b.y0, 1);
    const radius = between(rng, 1.5, 5);
    for (const st of scaled) drawPolyline(ink, st.map((v, j) => 10 + (v - (j % 2 ? b.y0 : b.x0)) * s), radius);
    const image = photograph(cropToInk(ink, 3), rng, chance(rng, 0.7) ? PHONE_PHOTO : CLEAN_SCAN);
    return { image, label: NOT_A_DIGIT, mnistTest: [], font: '' };
  },
};
