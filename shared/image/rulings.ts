// the rulings of lined or squared paper: thin straight lines of ink that run across nearly the whole
// picture, on past the writing. a number written on them touches them, so the digits and the lines
// would be one mark; their ink is removed, except where a stroke crosses them. a line that does not
// run on past the writing at both ends is a stroke of the writing (a 7's bar drawn edge to edge ends
// where its stem begins) and stays. lines down the page are removed only beside lines across (squared
// paper): alone, a line down the whole height is what a tall "1" on a drawing pad also is.

/** a ruling inks at least this share of the columns along its course */
const RULING_COVERAGE = 0.9;
/** courses beside a ruling inked nearly as fully (this share of its coverage) are its soft edges; a digit beside it inks far fewer */
const EDGE_COVERAGE = 0.75;
/** a ruling is at most this thick: the larger of a few pixels and this share of the picture's height */
const RULING_THICKNESS = 0.05;
const RULING_MIN_THICKNESS = 4;
/** a ruling runs on past the writing, on both sides, by at least this share of the picture's width */
const PAST_WRITING = 0.05;
/** slopes tried, rows per column: a photo of a page tilted up to ~3° */
const MAX_SLOPE = 0.05;
const SLOPE_STEP = 0.01;
/** courses are counted on every COLUMN_STEP-th column: a ruling inks them all alike, and noise that inks every column costs a quarter */
const COLUMN_STEP = 4;

/** rulings running along x in a (height, width) map: rows [top, bottom] of the course y = row − offset + slope·x */
interface Rulings {
  slope: number;
  offset: number;
  bands: [number, number][];
}

/** is (x, y) on one of the rulings */
function onRuling(r: Rulings, x: number, y: number): boolean {
  const row = y + r.offset - Math.round(r.slope * x);
  for (const [top, bottom] of r.bands) if (row >= top && row <= bottom) return true;
  return false;
}

/** the rulings along x of an ink map, or null. work: one pass when fewer than RULING_COVERAGE of the columns hold ink (most pictures), else one per slope over every COLUMN_STEP-th column */
function findRulings(ink: Float32Array, width: number, height: number): Rulings | null {
  if (width < 16 || height < 4) return null;
  let inkedColumns = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) if (ink[y * width + x] > 0) { inkedColumns++; break; }
  }
  if (inkedColumns < RULING_COVERAGE * width) return null;
  // coverage[row]: inked columns along the course y = row − offset + slope·x
  let best: { slope: number; coverage: Int32Array; offset: number } | null = null;
  let bestPeak = 0;
  for (let slope = -MAX_SLOPE; slope <= MAX_SLOPE + 1e-9; slope += SLOPE_STEP) {
    const offset = Math.ceil(Math.abs(slope) * width);
    const coverage = new Int32Array(height + 2 * offset);
    for (let x = 0; x < width; x += COLUMN_STEP) {
      const shift = Math.round(slope * x);
      for (let y = 0; y < height; y++) if (ink[y * width + x] > 0) coverage[y - shift + offset]++;
    }
    let peak = 0;
    for (const c of coverage) if (c > peak) peak = c;
    if (peak > bestPeak) [bestPeak, best] = [peak, { slope, coverage, offset }];
  }
  const columns = Math.ceil(width / COLUMN_STEP);
  if (!best || bestPeak < RULING_COVERAGE * columns) return null;
  const { slope, coverage, offset } = best;
  const maxThick = Math.max(RULING_MIN_THICKNESS, Math.round(RULING_THICKNESS * height));
  const bands: [number, number][] = [];
  for (let r = 0; r < coverage.length; r++) {
    if (coverage[r] < RULING_COVERAGE * columns) continue;
    // the courses around the peak inked nearly as fully: the ruling's soft edges
    let top = r, bottom = r, peak = coverage[r];
    while (bottom + 1 < coverage.length && coverage[bottom + 1] >= RULING_COVERAGE * columns) peak = Math.max(peak, coverage[++bottom]);
    while (top > 0 && coverage[top - 1] >= EDGE_COVERAGE * peak) top--;
    while (bottom + 1 < coverage.length && coverage[bottom + 1] >= EDGE_COVERAGE * peak) bottom++;
    r = bottom;
    if (bottom - top + 1 <= maxThick) bands.push([top, bottom]); // a band of ink thicker than that is not a ruling
  }
  return bands.length > 0 ? { slope, offset, bands } : null;
}

/** the rulings that run on past [from, to] along x by PAST_WRITING of the width at both ends (their first and last inked columns) */
function pastWriting(ink: Float32Array, width: number, height: number, r: Rulings, from: number, to: number): Rulings {
  const margin = PAST_WRITING * width;
  const bands = r.bands.filter(([top, bottom]) => {
    let first = -1, last = -1;
    for (let x = 0; x < width; x++) {
      const shift = Math.round(r.slope * x);
      for (let y = Math.max(0, top - r.offset + shift); y <= Math.min(height - 1, bottom - r.offset + shift); y++) {
        if (ink[y * width + x] > 0) {
          if (first < 0) first = x;
          last = x;
          break;
        }
      }
    }
    return first >= 0 && first <= from - margin && last >= to + margin;
  });
  return { ...r, bands };
}

/** clears the rulings' ink along x, except where ink continues above or below them: a stroke crossing */
function clearRulings(ink: Float32Array, width: number, height: number, r: Rulings): void {
  for (let x = 0; x < width; x++) {
    const shift = Math.round(r.slope * x);
    for (const [top, bottom] of r.bands) {
      const y0 = Math.max(0, top - r.offset + shift), y1 = Math.min(height - 1, bottom - r.offset + shift);
      if (y0 > y1) continue;
      const above = y0 > 0 && ink[(y0 - 1) * width + x] > 0;
      const below = y1 < height - 1 && ink[(y1 + 1) * width + x] > 0;
      if (!above && !below) for (let y = y0; y <= y1; y++) ink[y * width + x] = 0;
    }
  }
}

/** the map turned a quarter: (width, height) with rows and columns swapped */
function transpose(ink: Float32Array, width: number, height: number): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[x * height + y] = ink[y * width + x];
  return out;
}

/**
 * clears, in place, the rulings of lined or squared paper from an ink map (ink bright, 0 = paper),
 * keeping the ink where a stroke crosses them; returns how many it removed. one pass over the map
 * for a picture without ink in nearly every column (most pictures).
 */
export function removeRulings(ink: Float32Array, width: number, height: number): number {
  const across = findRulings(ink, width, height);
  if (!across) return 0;
  const turned = transpose(ink, width, height);
  const down = findRulings(turned, height, width); // lines down the page, as lines along the turned map's x
  // the writing: the ink on no ruling
  let left = width, right = -1, top = height, bottom = -1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] === 0 || onRuling(across, x, y) || (down && onRuling(down, y, x))) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  if (right < 0) return 0; // nothing but lines: no writing to free
  const lines = pastWriting(ink, width, height, across, left, right);
  if (lines.bands.length === 0) return 0;
  clearRulings(ink, width, height, lines);
  if (!down) return lines.bands.length;
  // squared paper: the lines down the page too, on the map with the lines across already gone
  const cleared = transpose(ink, width, height);
  const columns = pastWriting(cleared, height, width, down, top, bottom);
  if (columns.bands.length > 0) {
    clearRulings(cleared, height, width, columns);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) ink[y * width + x] = cleared[x * height + y];
  }
  return lines.bands.length + columns.bands.length;
}
