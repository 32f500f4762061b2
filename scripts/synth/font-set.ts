import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fontDigitSet, parseFonts, type FontDigitSet, type GlyphFont } from '../../shared/train/font-digits';

// the synthetic printed digits that join training (--font-digits N): rendered from the outlines in
// data/train/glyphs.json, which hold only fonts reserved for training.

export const GLYPHS_PATH = resolve('data/train/glyphs.json');

export function loadGlyphFonts(path = GLYPHS_PATH): GlyphFont[] {
  if (!existsSync(path)) throw new Error(`${path} is missing: it ships with the repository (scripts/synth/extract-glyphs.ts writes it)`);
  const file = JSON.parse(readFileSync(path, 'utf8')) as { fonts?: GlyphFont[] };
  if (!Array.isArray(file.fonts) || file.fonts.length === 0) throw new Error(`${path} lists no fonts`);
  return file.fonts;
}

/** N renderings of every digit of every training font, seeded by the run's seed */
export function fontTrainingSet(perDigit: number, seed: number, path = GLYPHS_PATH): FontDigitSet & { fonts: number } {
  const fonts = loadGlyphFonts(path);
  return { ...fontDigitSet(parseFonts(fonts), perDigit, seed), fonts: fonts.length };
}
