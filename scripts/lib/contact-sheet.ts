import { D, IMAGE_SIDE, K } from '../../shared/dims';
import { encodeGrayPng } from './png';

// a contact sheet: every image about to join the training set, on one PNG, so a person can look at
// them before they do. one band per label (0..9, empty labels left out), its digit drawn in the first
// cell, then that label's images left to right, wrapping after `columns`.

export interface SheetOptions {
  /** images per line of a band */
  columns: number;
  /** each pixel drawn as scale × scale */
  scale: number;
}

export const DEFAULT_SHEET: SheetOptions = { columns: 20, scale: 2 };

export interface ContactSheet {
  gray: Uint8Array; // (height, width) 0..255
  width: number;
  height: number;
  /** where each example's top-left corner landed, in input order */
  placed: { x: number; y: number }[];
}

const GAP = 2; // px between cells, in sheet pixels
const BACKGROUND = 96; // mid gray: the black image cells stand out from it
const LABEL_CELL = 40; // the label cell's dark background, unlike any drawing's black
const LABEL_INK = 220;

// 3×5 digits for the label cells, one string of 15 bits per digit, row by row
const GLYPHS = ['111101101101111', '010110010010111', '111001111100111', '111001111001111', '101101111001001', '111100111001111', '111100111101111', '111001001001001', '111101111101111', '111101111001111'];

export function contactSheet(examples: { label: number; pixels: ArrayLike<number> }[], options: SheetOptions = DEFAULT_SHEET): ContactSheet {
  const { scale } = options;
  const cell = IMAGE_SIDE * scale;
  const byLabel = Array.from({ length: K }, () => [] as number[]);
  examples.forEach((ex, i) => byLabel[ex.label].push(i));
  const bands = byLabel.map((indices, label) => ({ label, indices })).filter((b) => b.indices.length > 0);
  const longest = Math.max(1, ...bands.map((b) => b.indices.length));
  const columns = Math.min(options.columns, longest); // no wider than the longest band needs
  const lines = bands.reduce((n, b) => n + Math.ceil(b.indices.length / columns), 0);

  // a label cell, then `columns` image cells, all with a gap around them
  const width = GAP + (1 + columns) * (cell + GAP);
  const height = GAP + lines * (cell + GAP) + Math.max(0, bands.length - 1) * GAP; // an extra gap between bands
  const gray = new Uint8Array(width * height).fill(BACKGROUND);
  const placed = new Array<{ x: number; y: number }>(examples.length);

  const fill = (x0: number, y0: number, w: number, h: number, value: number) => {
    for (let y = y0; y < y0 + h; y++) gray.fill(value, y * width + x0, y * width + x0 + w);
  };
  const drawImage = (x0: number, y0: number, pixels: ArrayLike<number>) => {
    for (let p = 0; p < D; p++) fill(x0 + (p % IMAGE_SIDE) * scale, y0 + Math.floor(p / IMAGE_SIDE) * scale, scale, scale, pixels[p]);
  };
  const drawLabel = (x0: number, y0: number, label: number) => {
    fill(x0, y0, cell, cell, LABEL_CELL);
    const dot = Math.floor(cell / 7); // 3×5 glyph scaled to about 3/7 of the cell's width
    const left = x0 + Math.floor((cell - 3 * dot) / 2);
    const top = y0 + Math.floor((cell - 5 * dot) / 2);
    for (let b = 0; b < 15; b++) if (GLYPHS[label][b] === '1') fill(left + (b % 3) * dot, top + Math.floor(b / 3) * dot, dot, dot, LABEL_INK);
  };

  let y = GAP;
  for (const band of bands) {
    drawLabel(GAP, y, band.label);
    band.indices.forEach((index, n) => {
      const x = GAP + (1 + (n % columns)) * (cell + GAP);
      const at = { x, y: y + Math.floor(n / columns) * (cell + GAP) };
      drawImage(at.x, at.y, examples[index].pixels);
      placed[index] = at;
    });
    y += Math.ceil(band.indices.length / columns) * (cell + GAP) + GAP;
  }
  return { gray, width, height, placed };
}

/** the sheet as a PNG file's bytes */
export function contactSheetPng(examples: { label: number; pixels: ArrayLike<number> }[], options?: SheetOptions): Uint8Array {
  const sheet = contactSheet(examples, options);
  return encodeGrayPng(sheet.gray, sheet.width, sheet.height);
}
