// sets drawn from the evaluation fonts' outlines: printed digits, handwriting-style digits, letters.
import { DIGITS, LETTERS, type FontEntry } from '../glyphs';
import { glyphInk } from '../ink';
import { chance } from '../noise';
import { CLEAN_SCAN, PHONE_PHOTO, photograph } from '../photo';
import { NOT_A_DIGIT, type Draw, type EvalImage, type Recipe, type Sources } from '../set';

/** a glyph of one of `fonts` (the i-th picks round-robin so every font and character appears evenly) */
function fontPicture(ch: string, fonts: FontEntry[], i: number, { rng }: Draw, sources: Sources, photoShare: number, label: number): EvalImage {
  const withGlyph = fonts.filter((f) => sources.glyphs(f.id).glyphs[ch] !== undefined);
  const font = withGlyph[Math.floor(i / 10) % withGlyph.length] ?? fonts[0];
  const ink = glyphInk(sources.glyphs(font.id).glyphs[ch], rng);
  const image = photograph(ink, rng, chance(rng, photoShare) ? PHONE_PHOTO : CLEAN_SCAN);
  return { image, label, mnistTest: [], font: font.id };
}

export const printed: Recipe = {
  name: 'printed',
  kind: 'digits',
  count: 800,
  seed: 0x9e1,
  about: 'digits from ordinary fonts (serif, sans, mono, typewriter), screenshots and scans or phone photos of paper',
  make: (i, draw, sources) => fontPicture(DIGITS[i % 10], sources.fonts.eval.printed, i, draw, sources, 0.6, i % 10),
};

export const handwritingFonts: Recipe = {
  name: 'handwriting-fonts',
  kind: 'digits',
  count: 1000,
  seed: 0x4a7d,
  about: 'digits from handwriting-style fonts kept for evaluation, photographed on paper',
  make: (i, draw, sources) => fontPicture(DIGITS[i % 10], sources.fonts.eval.handwriting, i, draw, sources, 0.85, i % 10),
};

export const letters: Recipe = {
  name: 'letters',
  kind: 'ood',
  count: 700,
  seed: 0x1e77,
  about: `letters (${LETTERS.length} of A-Z a-z; look-alikes of digits left out) from the evaluation fonts, photographed or scanned`,
  make(i, draw, sources) {
    const fonts = chance(draw.rng, 0.6) ? sources.fonts.eval.handwriting : sources.fonts.eval.printed;
    return fontPicture(LETTERS[i % LETTERS.length], fonts, Math.floor(i / LETTERS.length) * 10, draw, sources, 0.7, NOT_A_DIGIT);
  },
};
