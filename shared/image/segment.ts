// the geometry of reading a number: which marks of ink make one line, which marks are parts of one
// digit, and where a mark of several touching digits could be cut. the classifier chooses among the
// cuts (shared/model/read.ts); nothing here knows what a digit looks like beyond its proportions.
// shared by the Worker and the browser, on the ink map of preprocess.ts.

import { ImageError } from './decoded';

/** the most digits one /read answers */
export const MAX_DIGITS = 12;
/** more separate marks than this is not a line of digits; refused before any work grows with them */
export const MAX_MARKS = 8 * MAX_DIGITS;

/** an inclusive pixel box */
export interface Bounds {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** one 8-connected mark of ink */
export interface Mark extends Bounds {
  id: number; // its label in Labels.label, from 1
  mass: number; // summed ink
}

export interface Labels {
  width: number;
  height: number;
  /** (height, width): 0 = no ink, else the Mark id */
  label: Int32Array;
  marks: Mark[];
}

export const boxWidth = (b: Bounds) => b.right - b.left + 1;
export const boxHeight = (b: Bounds) => b.bottom - b.top + 1;

export function tooManyDigits(message: string): ImageError {
  return new ImageError('too_many_digits', `${message}; /read answers one line of up to ${MAX_DIGITS} digits`, 422);
}

/**
 * the 8-connected marks of ink > 0, each with its bounds and mass. with `speckFraction`, the marks
 * lighter than that share of the heaviest are dropped as specks first, their ink zeroed in place:
 * what normalize.ts dropSpecks then labelling again gives, with one labelling (dropSpecks)
 */
export function labelMarks(ink: Float32Array, width: number, height: number, speckFraction = 0): Labels {
  const labels = labelAll(ink, width, height);
  return speckFraction > 0 ? withoutSpecks(labels, ink, speckFraction) : labels;
}

/** drops the marks lighter than `fraction` of the heaviest (zeroing their ink) and numbers the rest from 1 again */
function withoutSpecks(labels: Labels, ink: Float32Array, fraction: number): Labels {
  const { marks, label } = labels;
  if (marks.length <= 1) return labels;
  let heaviest = 0;
  for (const m of marks) heaviest = Math.max(heaviest, m.mass);
  const cut = fraction * heaviest;
  const kept: Mark[] = [];
  const renumber = new Int32Array(marks.length + 1); // old id → new id, 0 for a speck
  for (const m of marks) {
    if (m.mass < cut) continue;
    renumber[m.id] = kept.length + 1;
    kept.push({ ...m, id: kept.length + 1 });
  }
  if (kept.length === marks.length) return labels;
  for (let p = 0; p < label.length; p++) {
    const id = label[p];
    if (id === 0) continue;
    label[p] = renumber[id];
    if (renumber[id] === 0) ink[p] = 0;
  }
  return { ...labels, marks: kept };
}

function labelAll(ink: Float32Array, width: number, height: number): Labels {
  const n = width * height;
  const label = new Int32Array(n);
  const stack = new Int32Array(n);
  const marks: Mark[] = [];
  for (let start = 0; start < n; start++) {
    if (ink[start] <= 0 || label[start] !== 0) continue;
    const id = marks.length + 1;
    const mark: Mark = { id, mass: 0, left: width, right: -1, top: height, bottom: -1 };
    let top = 0;
    stack[top++] = start;
    label[start] = id;
    while (top > 0) {
      const p = stack[--top];
      mark.mass += ink[p];
      const x = p % width;
      const y = (p - x) / width;
      if (x < mark.left) mark.left = x;
      if (x > mark.right) mark.right = x;
      if (y < mark.top) mark.top = y;
      if (y > mark.bottom) mark.bottom = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (ink[q] > 0 && label[q] === 0) {
            label[q] = id;
            stack[top++] = q;
          }
        }
      }
    }
    marks.push(mark);
  }
  return { width, height, label, marks };
}

/** a mark this small beside the line's tallest (a dot, a speck that survived) is not part of any digit */
const DOT_EXTENT = 0.12;

/**
 * the marks that can belong to digits: drops dots (both sides under DOT_EXTENT of the tallest mark)
 * and refuses a picture of more marks than a line of digits can have.
 */
export function digitMarks(labels: Labels): Mark[] {
  let tallest = 0;
  for (const m of labels.marks) tallest = Math.max(tallest, boxHeight(m));
  const min = Math.max(2, DOT_EXTENT * tallest);
  const kept = labels.marks.filter((m) => Math.max(boxWidth(m), boxHeight(m)) >= min);
  if (kept.length > MAX_MARKS) throw tooManyDigits(`the picture has ${kept.length} separate marks`);
  return kept;
}

/** a band of rows is a line when it is at least this share of the tallest band's height and holds this share of the ink */
const LINE_MIN_HEIGHT = 0.4;
const LINE_MIN_MASS = 0.1;

/**
 * refuses several lines: bands of rows separated by rows with no ink, two or more of them tall and
 * heavy enough to be lines of digits (a 5's flag or a stray mark above the line is neither).
 */
export function checkOneLine(marks: Mark[]): void {
  // the bands are unions of the marks' row ranges
  const byTop = [...marks].sort((a, b) => a.top - b.top);
  const bands: { top: number; bottom: number; mass: number }[] = [];
  for (const m of byTop) {
    const last = bands[bands.length - 1];
    if (last && m.top <= last.bottom + 1) {
      last.bottom = Math.max(last.bottom, m.bottom);
      last.mass += m.mass;
    } else bands.push({ top: m.top, bottom: m.bottom, mass: m.mass });
  }
  if (bands.length < 2) return;
  let tallest = 0, total = 0;
  for (const b of bands) {
    tallest = Math.max(tallest, b.bottom - b.top + 1);
    total += b.mass;
  }
  const lines = bands.filter((b) => b.bottom - b.top + 1 >= LINE_MIN_HEIGHT * tallest && b.mass >= LINE_MIN_MASS * total);
  if (lines.length >= 2) {
    throw new ImageError('several_lines', `the picture has ${lines.length} lines of writing, one above the other; /read answers one line: crop to it`, 422);
  }
}

/** the marks of one digit (or of several touching digits, to be cut), and their bounds */
export interface Group extends Bounds {
  marks: number[]; // Mark ids
  mass: number;
}

/** two marks whose column ranges overlap by this share of the narrower one are parts of one digit */
const JOIN_OVERLAP = 0.5;
/** a mark shorter than this share of the line's height is a fragment (a 5's flag, a piece of a broken stroke) */
const FRAGMENT_HEIGHT = 0.45;
/** a fragment joins the nearest digit whose columns come within this share of the line's height */
const FRAGMENT_REACH = 0.3;

/**
 * joins the parts of one digit: marks that share most of their columns (a 4 in two strokes, a 5
 * whose flag floats above it, a stroke broken across its width), then fragments to the nearest
 * digit beside them. returns the groups left to right.
 */
export function joinParts(marks: Mark[]): Group[] {
  const parent = marks.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
  const union = (a: number, b: number) => {
    parent[find(a)] = find(b);
  };
  let lineHeight = 0;
  for (const m of marks) lineHeight = Math.max(lineHeight, boxHeight(m));

  for (let i = 0; i < marks.length; i++) {
    for (let j = i + 1; j < marks.length; j++) {
      const a = marks[i], b = marks[j];
      const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) + 1;
      if (overlap >= JOIN_OVERLAP * Math.min(boxWidth(a), boxWidth(b))) union(i, j);
    }
  }
  // a fragment still alone goes to the nearest group beside it
  const groupOf = () => {
    const groups = new Map<number, Bounds & { tall: boolean }>();
    marks.forEach((m, i) => {
      const r = find(i);
      const g = groups.get(r);
      if (!g) groups.set(r, { left: m.left, right: m.right, top: m.top, bottom: m.bottom, tall: false });
      else {
        g.left = Math.min(g.left, m.left);
        g.right = Math.max(g.right, m.right);
        g.top = Math.min(g.top, m.top);
        g.bottom = Math.max(g.bottom, m.bottom);
      }
    });
    for (const g of groups.values()) g.tall = boxHeight(g) >= FRAGMENT_HEIGHT * lineHeight;
    return groups;
  };
  const groups = groupOf();
  for (const [root, g] of groups) {
    if (g.tall) continue;
    let best = -1, bestGap = FRAGMENT_REACH * lineHeight;
    for (const [other, h] of groups) {
      if (other === root || !h.tall) continue;
      const gap = Math.max(h.left - g.right, g.left - h.right, 0);
      if (gap <= bestGap) {
        bestGap = gap;
        best = other;
      }
    }
    if (best >= 0) union(root, best);
  }

  const out = new Map<number, Group>();
  marks.forEach((m, i) => {
    const r = find(i);
    const g = out.get(r);
    if (!g) out.set(r, { left: m.left, right: m.right, top: m.top, bottom: m.bottom, marks: [m.id], mass: m.mass });
    else {
      g.left = Math.min(g.left, m.left);
      g.right = Math.max(g.right, m.right);
      g.top = Math.min(g.top, m.top);
      g.bottom = Math.max(g.bottom, m.bottom);
      g.marks.push(m.id);
      g.mass += m.mass;
    }
  });
  return [...out.values()].sort((a, b) => a.left + a.right - (b.left + b.right));
}

/** the ink of one group alone (other marks in its box left out), cropped to columns [from, to) of the picture and its rows */
export function groupInk(ink: Float32Array, labels: Labels, group: Group, from: number, to: number): { ink: Float32Array; width: number; height: number } {
  const width = to - from;
  const height = boxHeight(group);
  const mine = new Uint8Array(labels.marks.length + 1);
  for (const id of group.marks) mine[id] = 1;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = (group.top + y) * labels.width;
    for (let x = 0; x < width; x++) {
      const p = row + from + x;
      if (mine[labels.label[p]]) out[y * width + x] = ink[p];
    }
  }
  return { ink: out, width, height };
}

/** a group wider than this share of its height may be several digits touching */
export const SPLIT_ASPECT = 1.0;
/** no cut closer than this share of the group's height to its edges or to another cut */
const CUT_MARGIN = 0.12;
const MAX_CUTS = 16;
/** written digits ink well under half of their box (a thick marker, blurred, about half); more than this is not writing */
const MAX_FILL = 0.65;
/** a digit's usual width as a share of its height, for guessing how many digits touch */
const DIGIT_ASPECT = 0.65;

/**
 * where a group of touching digits might be cut: the columns where its ink is thinnest (minima of
 * the column profile, lightly smoothed), and the columns that divide it evenly into as many digits
 * as its width suggests (two round digits touch where both have upright strokes, so the profile is
 * high there). at most MAX_CUTS, apart from the edges and each other; none for a group narrow
 * enough to be one digit.
 */
export function cutCandidates(ink: Float32Array, labels: Labels, group: Group): number[] {
  const h = boxHeight(group), w = boxWidth(group);
  if (w <= SPLIT_ASPECT * h) return [];
  const { ink: mine, width } = groupInk(ink, labels, group, group.left, group.right + 1);
  // a blob (more of its box inked than any writing: noise, a filled shape) is not cut: it stays one candidate the classifier doubts
  let inked = 0;
  for (let i = 0; i < mine.length; i++) if (mine[i] > 0) inked++;
  if (inked > MAX_FILL * mine.length) return [];
  const profile = new Float32Array(width);
  for (let y = 0; y < h; y++) for (let x = 0; x < width; x++) profile[x] += mine[y * width + x];
  const smooth = new Float32Array(width);
  for (let x = 0; x < width; x++) smooth[x] = (profile[Math.max(0, x - 1)] + 2 * profile[x] + profile[Math.min(width - 1, x + 1)]) / 4;
  const margin = Math.max(1, Math.round(CUT_MARGIN * h));
  const minima: number[] = [];
  for (let x = margin; x < width - margin; x++) {
    if (smooth[x] <= smooth[x - 1] && smooth[x] <= smooth[x + 1]) minima.push(x);
  }
  minima.sort((a, b) => smooth[a] - smooth[b]);
  const estimate = Math.max(2, Math.round(w / (DIGIT_ASPECT * h)));
  const even: number[] = [];
  for (const n of new Set([estimate, Math.max(2, estimate - 1)])) for (let j = 1; j < n; j++) even.push(Math.round((j * width) / n));
  const cuts: number[] = [];
  const budget = Math.min(MAX_CUTS, estimate + 2);
  const add = (x: number) => {
    if (cuts.length < budget && x >= margin && x < width - margin && cuts.every((c) => Math.abs(c - x) >= margin)) cuts.push(x);
  };
  minima.slice(0, estimate).forEach(add);
  even.forEach(add);
  minima.slice(estimate).forEach(add);
  return cuts.map((x) => x + group.left).sort((a, b) => a - b);
}

/**
 * a cut that may bend: for each row of its group (from group.top), the first column of the right
 * side. `x` is the column it was seeded at, for ordering cuts and measuring the stretch between two.
 */
export interface Cut {
  x: number;
  path: Int32Array;
}

/** one group's ink alone over its box (groupInk of its whole width): what cuts are found and pieces cut from */
export interface GroupCrop {
  ink: Float32Array;
  width: number;
  height: number;
  left: number; // the box's first column in the picture
}

export function groupCrop(ink: Float32Array, labels: Labels, group: Group): GroupCrop {
  return { ...groupInk(ink, labels, group, group.left, group.right + 1), left: group.left };
}

/** how far (share of the group's height) a cut may wander from the column it was seeded at */
const PATH_REACH = 0.25;
/** what one step sideways costs, in units of one fully inked pixel crossed: a cut goes straight through paper */
const PATH_BEND = 0.15;
/** what being one reach away from the seed costs per row, in the same units: keeps a cut near its seed */
const PATH_PULL = 0.1;

/** a cut that goes straight down at column x */
export function straightCut(crop: GroupCrop, x: number): Cut {
  return { x, path: new Int32Array(crop.height).fill(x) };
}

/**
 * the cut seeded at column x: the path from the group's top row to its bottom, one column sideways
 * at most per row and within PATH_REACH of x, crossing the least ink (the valley between two
 * digits that touch or lean into each other, as segmentation of touching handwritten digits does
 * with a shortest path). work: rows × (2 reach + 1) × 3.
 */
export function cutPath(crop: GroupCrop, x: number): Cut {
  const { ink, width, height: h, left } = crop;
  const reach = Math.max(1, Math.round(PATH_REACH * h));
  // columns of the crop the path may take
  const lo = Math.max(1, x - left - reach), hi = Math.min(width - 1, x - left + reach);
  const span = hi - lo + 1;
  if (span <= 1) return straightCut(crop, x);
  // the pull of the seed, per column
  const pull = new Float64Array(span);
  for (let k = 0; k < span; k++) {
    const d = (lo + k - (x - left)) / reach;
    pull[k] = PATH_PULL * d * d;
  }
  // cost[k]: the least cost of a path from the top row to column lo + k of this row; from[y][k] the step it came by
  let cost = new Float64Array(span), next = new Float64Array(span);
  const from = new Int8Array(h * span);
  for (let k = 0; k < span; k++) cost[k] = ink[lo + k] / 255 + pull[k];
  for (let y = 1; y < h; y++) {
    const row = y * width + lo;
    for (let k = 0; k < span; k++) {
      let best = cost[k], step = 0;
      if (k > 0 && cost[k - 1] + PATH_BEND < best) [best, step] = [cost[k - 1] + PATH_BEND, -1];
      if (k + 1 < span && cost[k + 1] + PATH_BEND < best) [best, step] = [cost[k + 1] + PATH_BEND, 1];
      next[k] = best + ink[row + k] / 255 + pull[k];
      from[y * span + k] = step;
    }
    [cost, next] = [next, cost];
  }
  let k = 0;
  for (let j = 1; j < span; j++) if (cost[j] < cost[k]) k = j;
  const path = new Int32Array(h);
  for (let y = h - 1; y >= 0; y--) {
    path[y] = left + lo + k;
    k += from[y * span + k];
  }
  return { x, path };
}

/**
 * the ink of a group between two cuts (left inclusive, right exclusive on each row), cropped to
 * the columns they span and the group's rows; `left` is the crop's first column in the picture.
 */
export function pieceInk(crop: GroupCrop, left: Cut, right: Cut): { ink: Float32Array; width: number; height: number; left: number } {
  const { height } = crop;
  let from = Infinity, to = -Infinity;
  for (let y = 0; y < height; y++) {
    from = Math.min(from, left.path[y]);
    to = Math.max(to, right.path[y]);
  }
  const width = Math.max(1, to - from);
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = y * crop.width - crop.left;
    for (let x = left.path[y]; x < right.path[y]; x++) out[y * width + x - from] = crop.ink[row + x];
  }
  return { ink: out, width, height, left: from };
}

/**
 * the valleys of a group: paths from its top row to its bottom, one column sideways at most per
 * row, each crossing the least ink to reach its bottom column (one pass over the group, as seam
 * carving does). digits that lean into each other leave a slanted valley no single column finds.
 * returns up to `most` of the cheapest, ends at least CUT_MARGIN apart and from the edges.
 */
export function valleyCuts(crop: GroupCrop, most: number): Cut[] {
  const { ink, width: w, height: h, left } = crop;
  const margin = Math.max(1, Math.round(CUT_MARGIN * h));
  if (most <= 0 || w <= 2 * margin + 1) return [];
  let cost = new Float64Array(w), next = new Float64Array(w);
  const from = new Int8Array(h * w);
  // the edges are walls: a valley stays inside the group
  cost.fill(Infinity);
  next.fill(Infinity);
  for (let x = margin; x < w - margin; x++) cost[x] = ink[x] / 255;
  for (let y = 1; y < h; y++) {
    const row = y * w;
    for (let x = margin; x < w - margin; x++) {
      let best = cost[x], step = 0;
      if (cost[x - 1] + PATH_BEND < best) [best, step] = [cost[x - 1] + PATH_BEND, -1];
      if (cost[x + 1] + PATH_BEND < best) [best, step] = [cost[x + 1] + PATH_BEND, 1];
      next[x] = best + ink[row + x] / 255;
      from[row + x] = step;
    }
    [cost, next] = [next, cost];
  }
  const ends: number[] = [];
  for (let x = margin; x < w - margin; x++) if (cost[x] <= cost[x - 1] && cost[x] < cost[x + 1]) ends.push(x);
  ends.sort((a, b) => cost[a] - cost[b]);
  const cuts: Cut[] = [];
  for (const end of ends) {
    if (cuts.length >= most) break;
    const path = new Int32Array(h);
    let x = end, mid = 0;
    for (let y = h - 1; y >= 0; y--) {
      path[y] = left + x;
      mid += path[y];
      x += from[y * w + x];
    }
    mid = Math.round(mid / h);
    if (cuts.some((c) => Math.abs(c.x - mid) < margin)) continue;
    cuts.push({ x: mid, path });
  }
  return cuts;
}
