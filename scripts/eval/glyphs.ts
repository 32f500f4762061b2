// the evaluation fonts (data/eval/fonts.json) and their committed glyph outlines (data/eval/glyphs/).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const EVAL_DATA_DIR = resolve('data/eval');
export const FONTS_FILE = join(EVAL_DATA_DIR, 'fonts.json');
export const GLYPHS_DIR = join(EVAL_DATA_DIR, 'glyphs');
export const GLYPHS_VERSION = 1;

export const DIGITS = '0123456789';
/**
 * letters that a person could fairly read as a digit, left out of the `letters` set so that set is
 * truly "not a digit": O o Q D (0), I l i j (1), Z z (2), S s (5), G b (6), B (8), g q (9)
 */
export const DIGIT_LOOKALIKES = 'OoQDIlijZzSsGbBgq';
export const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'].filter((c) => !DIGIT_LOOKALIKES.includes(c)).join('');

export interface FontEntry {
  id: string;
  /** a design: all its styles sit on one side of the split */
  family: string;
  /** the Debian package that installs it */
  package: string;
  file: string;
  license: string;
}

export type FontKind = 'handwriting' | 'printed';

export interface FontList {
  version: number;
  eval: Record<FontKind, FontEntry[]>;
  training: Record<FontKind, FontEntry[]>;
}

/** one font's outlines: svg path data in font units, y down, the baseline at y = 0 */
export interface GlyphFile {
  version: number;
  id: string;
  unitsPerEm: number;
  glyphs: Record<string, string>;
}

export function readFontList(path = FONTS_FILE): FontList {
  return JSON.parse(readFileSync(path, 'utf8')) as FontList;
}

export function readGlyphs(id: string, dir = GLYPHS_DIR): GlyphFile {
  const path = join(dir, `${id}.json`);
  let file: GlyphFile;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as GlyphFile;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}; run npm run eval:build -- --extract (needs the Debian font packages in data/eval/README.md)`);
  }
  if (file.version !== GLYPHS_VERSION) throw new Error(`${path}: glyph file version ${file.version}, expected ${GLYPHS_VERSION}; run npm run eval:build -- --extract`);
  return file;
}
