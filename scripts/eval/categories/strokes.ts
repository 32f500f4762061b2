// sets drawn with a pen on a phone: mnist test digits redrawn along their centre line, and scribbles.
import type { Rng } from '../../../shared/rng';
import { between, chance, valueNoise } from '../noise';
import { exportCanvas, penRadius, PHONE_SIDE } from '../phone';
import { CLEAN_SCAN, PHONE_PHOTO, photograph } from '../photo';
import { mnistUpsampled } from '../ink';
import { createRaster, cropToInk, drawPolyline, drawSegment } from '../raster';
import { skeletonSegments, thin } from '../skeleton';
import { NOT_A_DIGIT, testDigit, type Recipe } from '../set';

/** mnist is thinned on a grid this many times finer, so the centre line is smooth */
const UP = 4;

/** the centre line of an mnist digit as segments on a (28 * UP)-pixel grid */
function centreLine(pixels: ArrayLike<number>): number[][] {
  const up = mnistUpsampled(pixels, UP);
  const side = up.width;
  const mask = new Uint8Array(side * side);
  for (let i = 0; i < mask.length; i++) mask[i] = up.data[i] > 0.35 ? 1 : 0;
  thin(mask, side, side);
  return skeletonSegments(mask, side, side);
}

/** a random canvas size and the box (centre, height) a drawing fills on it */
function phoneCanvas(rng: Rng, aspect: number) {
  const height = Math.round(Math.exp(between(rng, Math.log(PHONE_SIDE[0]), Math.log(PHONE_SIDE[1]))));
  const width = Math.round(height * between(rng, 0.75, 1.33));
  let boxH = between(rng, 0.45, 0.85) * Math.min(width, height);
  if (boxH * aspect > 0.9 * width) boxH = (0.9 * width) / aspect;
  const cx = width / 2 + between(rng, -0.4, 0.4) * (width - boxH * aspect);
  const cy = height / 2 + between(rng, -0.4, 0.4) * (height - boxH);
  return { width, height, boxH, cx, cy };
}

/**
 * maps points of a drawing whose bounding box is `box` onto a canvas: scaled to `boxH` tall and a
 * random width factor, tilted, and wobbled by a smooth displacement field (an unsteady finger)
 */
function placer(rng: Rng, box: { x0: number; y0: number; x1: number; y1: number }, canvas: { boxH: number; cx: number; cy: number }) {
  const s = canvas.boxH / Math.max(1, box.y1 - box.y0);
  const sx = s * between(rng, 0.8, 1.2);
  const tilt = (between(rng, -10, 10) * Math.PI) / 180;
  const cos = Math.cos(tilt), sin = Math.sin(tilt);
  const mx = (box.x0 + box.x1) / 2, my = (box.y0 + box.y1) / 2;
  const wobble = between(rng, 0, 0.04) * canvas.boxH;
  const field = 64;
  const nx = valueNoise(field, field, 16, rng), ny = valueNoise(field, field, 16, rng);
  return (x: number, y: number): [number, number] => {
    const fx = Math.min(field - 1, Math.max(0, ((x - box.x0) / Math.max(1, box.x1 - box.x0)) * (field - 1)));
    const fy = Math.min(field - 1, Math.max(0, ((y - box.y0) / Math.max(1, box.y1 - box.y0)) * (field - 1)));
    const k = Math.round(fy) * field + Math.round(fx);
    const px = (x - mx) * sx + wobble * nx[k], py = (y - my) * s + wobble * ny[k];
    return [canvas.cx + px * cos - py * sin, canvas.cy + px * sin + py * cos];
  };
}

export const phoneStrokes: Recipe = {
  name: 'phone-strokes',
  kind: 'digits',
  count: 1000,
  seed: 0x9403,
  about: 'mnist test digits redrawn along their centre line with a round pen (fine stylus to thick finger), wobbled, on a phone canvas (transparent, white or black)',
  make(_, { rng, nextTestIndex }, sources) {
    const index = nextTestIndex();
    const segments = centreLine(testDigit(sources, index));
    const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    for (const [x0, y0, x1, y1] of segments) {
      box.x0 = Math.min(box.x0, x0, x1);
      box.x1 = Math.max(box.x1, x0, x1);
      box.y0 = Math.min(box.y0, y0, y1);
      box.y1 = Math.max(box.y1, y0, y1);
    }
    const canvas = phoneCanvas(rng, (box.x1 - box.x0 + 1) / (box.y1 - box.y0 + 1));
    const place = placer(rng, box, canvas);
    const radius = penRadius(rng, canvas.boxH);
    const cover = createRaster(canvas.width, canvas.height);
    for (const [x0, y0, x1, y1] of segments) {
      const [a, b] = place(x0, y0), [c, d] = place(x1, y1);
      drawSegment(cover, a, b, c, d, radius);
    }
    return { image: exportCanvas(cover, rng), label: sources.mnistTest.labels[index], mnistTest: [index], font: '' };
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
    const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
    for (const s of strokes)
      for (let j = 0; j < s.length; j += 2) {
        box.x0 = Math.min(box.x0, s[j]);
        box.x1 = Math.max(box.x1, s[j]);
        box.y0 = Math.min(box.y0, s[j + 1]);
        box.y1 = Math.max(box.y1, s[j + 1]);
      }
    // scale the unit drawing to 100 px so the placer's sizes are in pixels
    const unit = 100;
    const scaled = strokes.map((s) => s.map((v) => v * unit));
    const b = { x0: box.x0 * unit, y0: box.y0 * unit, x1: box.x1 * unit, y1: box.y1 * unit };
    const aspect = (b.x1 - b.x0 + 1) / (b.y1 - b.y0 + 1);
    if (chance(rng, 0.6)) {
      const canvas = phoneCanvas(rng, aspect);
      const place = placer(rng, b, canvas);
      const radius = penRadius(rng, canvas.boxH);
      const cover = createRaster(canvas.width, canvas.height);
      for (const s of scaled) {
        const pts: number[] = [];
        for (let j = 0; j < s.length; j += 2) pts.push(...place(s[j], s[j + 1]));
        drawPolyline(cover, pts, radius);
      }
      return { image: exportCanvas(cover, rng), label: NOT_A_DIGIT, mnistTest: [], font: '' };
    }
    const size = 96;
    const ink = createRaster(size + 20, size + 20);
    const s = size / Math.max(b.x1 - b.x0, b.y1 - b.y0, 1);
    const radius = between(rng, 1.5, 5);
    for (const st of scaled) drawPolyline(ink, st.map((v, j) => 10 + (v - (j % 2 ? b.y0 : b.x0)) * s), radius);
    const image = photograph(cropToInk(ink, 3), rng, chance(rng, 0.7) ? PHONE_PHOTO : CLEAN_SCAN);
    return { image, label: NOT_A_DIGIT, mnistTest: [], font: '' };
  },
};
