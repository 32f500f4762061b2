// sets drawn from the evaluation fonts' outlines: printed digits, handwriting-style digits, letters.
import { DIGITS, LETTERS, type FontEntry } from '../glyphs';
import { glyphInk } from '../ink';
import { chance } from '../noise';
import { drawOnPhone } from '../phone';
import { CLEAN_SCAN, PHONE_PHOTO, photograph } from '../photo';
import { NOT_A_DIGIT, type Draw, type EvalImage, type Recipe, type Sources } from '../set';
import { centreLine } from '../skeleton';

/** the font for the `round`-th use of character `ch`: round-robin over the fonts that have it, so each appears evenly */
function pickFont(ch: string, fonts: FontEntry[], round: number, sources: Sources): FontEntry {
  const withGlyph = fonts.filter((f) => sources.glyphs(f.id).glyphs[ch] !== undefined);
  return withGlyph[round % withGlyph.length];
}

/** a glyph of one of `fonts`, photographed (with odds photoShare) or scanned */
function fontPicture(ch: string, fonts: FontEntry[], round: number, { rng }: Draw, sources: Sources, photoShare: number, label: number): EvalImage {
  const font = pickFont(ch, fonts, round, sources);
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
  make: (i, draw, sources) => fontPicture(DIGITS[i % 10], sources.fonts.eval.printed, Math.floor(i / 10), draw, sources, 0.6, i % 10),
};

export const handwritingFonts: Recipe = {
  name: 'handwriting-fonts',
  kind: 'digits',
  count: 1000,
  seed: 0x4a7d,
  about: 'digits from handwriting-style fonts kept for evaluation, photographed on paper',
  make: (i, draw, sources) => fontPicture(DIGITS[i % 10], sources.fonts.eval.handwriting, Math.floor(i / 10), draw, sources, 0.85, i % 10),
};

export const letters: Recipe = {
  name: 'letters',
  kind: 'ood',
  count: 700,
  seed: 0x1e77,
  about: `letters (${LETTERS.length} of A-Z a-z; look-alikes of digits left out) from the evaluation fonts: photographed or scanned, or traced along their centre line on a phone`,
  make(i, draw, sources) {
    const ch = LETTERS[i % LETTERS.length];
    if (chance(draw.rng, 0.35)) {
      // a letter drawn on the page: the centre line of a handwriting glyph (serifs would leave spurs) redrawn with a finger or a stylus
      const font = pickFont(ch, sources.fonts.eval.handwriting, Math.floor(i / LETTERS.length), sources);
      const image = drawOnPhone(centreLine(glyphInk(sources.glyphs(font.id).glyphs[ch], draw.rng), 0.5), draw.rng);
      return { image, label: NOT_A_DIGIT, mnistTest: [], font: font.id };
    }
    const fonts = chance(draw.rng, 0.6) ? sources.fonts.eval.handwriting : sources.fonts.eval.printed;
    return fontPicture(ch, fonts, Math.floor(i / LETTERS.length), draw, sources, 0.7, NOT_A_DIGIT);
  },
};
