// what POST /read's stages cost, in line columns: the unit of the line reader's work (one column of a
// line, its padding counted, read at one phase). a picture's reading has one budget (shared/limits.ts
// readLineColumns): decoding spends its share first, then the cutting, and the line reader reads within
// what is left. so a small picture cut cheaply reads its lines at more phases, and a photo that was dear
// to decode, or a picture whose cutting spent much, reads fewer columns or none, and every accepted
// picture costs about the same at most.
//
// the weights are linear fits of main-thread CPU in V8 (Node 22, this project's 2-core machine, medians
// of 7–31 runs; scripts/dev/read-cost.ts and read-stages.ts time the stages):
// - a line column: 7 µs (the line reader's forward pass over a 320-column line, 2.24 ms);
// - the cutting: 0.12 ms + 0.158 ms per 10,000 crop pixels + 0.384 ms per 1,000 inked inputs;
// - decoding and the ink map: per format, over the bench's photos and canvases, plus 0.6 ms, the fit's
//   largest shortfall, so that no measured picture costs more than it is charged.

/** CPU of one line column at one phase (ms): what turns the fits below into columns */
const COLUMN_MS = 0.007;

/** what cutting a picture into candidates and classifying them costs, in line columns */
export const cutColumns = (cropArea: number, inputInk: number): number => (0.12 + 0.158e-4 * cropArea + 0.384e-3 * inputInk) / COLUMN_MS;

/** what the decoder did to a picture: the figures its cost follows */
export interface DecodeWork {
  format: 'png' | 'jpeg' | 'rows';
  /** the file's bytes (a JPEG's entropy-coded data is most of its decoding) */
  bytes: number;
  /** width × height as sent */
  sentPixels: number;
  /** a PNG's inflated pixel data (height × each row's bytes); 0 for the others */
  dataBytes: number;
  /** width × height as decoded (a JPEG within its 8×8 blocks, a PNG by whole boxes), before the ink map */
  decodedPixels: number;
}

/**
 * what decoding a picture and mapping its ink cost, in line columns. a JPEG decoded to 256² (each block
 * to 4×4) costs more than one twice as large decoded to 160×120; a PNG follows its inflated bytes and its
 * pixels. measured (ms, charged → spent): JPEG 512² 6.2 → 6.1, 1920×1080 5.5 → 5.5, 640×480 3.8 → 2.8;
 * PNG 600×200 RGBA 4.1 → 3.8, gray 3.4 → 2.9, 300×100 gray 1.4 → 0.9, 400² gray 4.4 → 4.5
 */
export function decodeColumns(w: DecodeWork): number {
  const ink = 5.1e-5 * w.decodedPixels;
  const ms = w.format === 'jpeg'
    ? 1.46 + 1.0e-5 * w.bytes + ink
    : 0.24 + 1.8e-6 * w.dataBytes + 1.24e-5 * w.sentPixels + ink;
  return (ms + 0.6) / COLUMN_MS;
}

/**
 * the line columns a picture may still read once decoding and cutting have spent their share of
 * `columns` (the plan's readLineColumns)
 */
export const columnsLeft = (columns: number, decoded: number, cropArea: number, inputInk: number): number =>
  Math.max(0, Math.floor(columns - decoded - cutColumns(cropArea, inputInk)));
