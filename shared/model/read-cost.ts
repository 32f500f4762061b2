// what POST /read's stages cost, in line columns: 7 µs of CPU, what one column of a line (its padding
// counted, read at one phase) cost the line reader before it folded blank paper out of its work
// (line-fold.ts); a line is now charged for its columns and its inked cells. a picture's reading has one budget (shared/limits.ts
// readLineColumns): decoding spends its share first, then the cutting, and the line reader reads within
// what is left. so a small picture cut cheaply reads its lines at more phases, and a photo that was dear
// to decode, or a picture whose cutting spent much, reads fewer columns or none, and every accepted
// picture costs about the same at most.
//
// the weights come from main-thread CPU in V8 (Node 22, this project's 2-core machine, medians of 7–31
// runs; scripts/dev/read-cost.ts and read-stages.ts time the stages, scripts/dev/decode-cost.ts decoding):
// - a line at one phase: 1.14 µs a column + 4.39 µs a cell that sees ink (a fit: lineColumns);
// - the cutting: 0.12 ms + 0.158 ms per 10,000 crop pixels + 0.384 ms per 1,000 inked inputs (a fit);
// - decoding and the ink map: per format, the cheapest linear charge that is at least 1.1 times the CPU of
//   every file measured (83 JPEGs from 31×54 to 1920×1080, 71 PNGs from 31×54 to 600², gray, RGB and
//   RGBA, flat or grained; linprog over the medians of 21 runs each), so that no measured picture costs
//   more than it is charged.

/** the unit (ms): what turns the fits below into line columns */
export const COLUMN_MS = 0.007;

/**
 * what the line reader's pass over a line costs at one phase, in line columns: `columns` (the line's and
 * its padding's) and `inkedCells` (line-frames.ts inkedCells). the pass folds blank paper out of its work
 * (line-fold.ts), so a cell that sees ink costs ~4× a blank column. the least such charge that covers
 * 1.1× the measured CPU of 300 lines as /read finds them (shared/train/line-set.ts, MNIST training
 * digits) and 48 drawn to cost the most per cell (noise of every density, lines inked end to end,
 * stripes, dots; 10 to 400 columns; medians of 21 passes), least over the first (scripts/dev/line-cost.ts
 * measures and refits it). the dev numbers' groups, their padding blank, are charged ~5.1 µs a column
 */
export const lineColumns = (columns: number, inkedCells: number): number => (1.14e-3 * columns + 4.39e-3 * inkedCells) / COLUMN_MS;

/** what cutting a picture into candidates and classifying them costs, in line columns */
export const cutColumns = (cropArea: number, inputInk: number): number => (0.12 + 0.158e-4 * cropArea + 0.384e-3 * inputInk) / COLUMN_MS;

/** what the decoder did to a picture: the figures its cost follows */
export interface DecodeWork {
  format: 'png' | 'jpeg' | 'rows';
  /** the file's bytes (what is entropy-decoded or inflated) */
  bytes: number;
  /** width × height as sent */
  sentPixels: number;
  /** a PNG's inflated pixel data (height × each row's bytes); 0 for the others */
  dataBytes: number;
  /** width × height as decoded (a JPEG within its 8×8 blocks, a PNG by whole boxes), before the ink map */
  decodedPixels: number;
}

/**
 * the cutting's passes over the whole ink map (rulings, labelling its marks), per pixel: what cutColumns,
 * fitted on small pictures, leaves out. a 512² JPEG's 256² map: ~0.7 ms of cutting for its one digit
 * against ~0.3 charged for its crops and inked inputs; a 240×135 one ~0.4 (ms)
 */
const INK_MAP_MS = 8e-6;

/**
 * what decoding a picture and mapping its ink cost (and the cutting's passes over that map), in line
 * columns. a JPEG's follows its bytes (the entropy-coded data) and the pixels it decodes to (a 512² photo
 * decoded to 256², each block to 4×4, costs more than a 640×480 one decoded to 160×120); a PNG's its bytes
 * (inflating), its inflated data, its pixels and its decoded pixels. measured → charged (ms, warmed up, a
 * quiet machine): JPEG 512² 5.3 → 6.2, 1920×1080 5.5 → 6.1, 640×480 2.8 → 3.2; PNG 600×200 RGBA grained
 * (111 KB) 6.2 → 6.9. scripts/dev/decode-cost.ts measures them again beside their charges
 */
export function decodeColumns(w: DecodeWork): number {
  const ms = w.format === 'jpeg'
    ? 2.14e-5 * w.bytes + (7.04e-5 + INK_MAP_MS) * w.decodedPixels
    : 0.01 + 2.98e-5 * w.bytes + 5.22e-6 * w.dataBytes + 4.24e-6 * w.sentPixels + (4.53e-5 + INK_MAP_MS) * w.decodedPixels;
  return ms / COLUMN_MS;
}

/**
 * the line columns a picture may still read once decoding and cutting have spent their share of
 * `columns` (the plan's readLineColumns)
 */
export const columnsLeft = (columns: number, decoded: number, cropArea: number, inputInk: number): number =>
  Math.max(0, Math.floor(columns - decoded - cutColumns(cropArea, inputInk)));
