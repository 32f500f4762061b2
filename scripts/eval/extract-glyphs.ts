// reads the evaluation fonts installed from Debian (data/eval/fonts.json) with opentype.js and writes
// their digit and letter outlines to data/eval/glyphs/<id>.json, so a clone needs no fonts.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import opentype, { type PathCommand } from 'opentype.js';
import { DIGITS, GLYPHS_DIR, GLYPHS_VERSION, LETTERS, readFontList, type FontEntry, type GlyphFile } from './glyphs';

/** path data with whole font units and explicit separators (opentype.js's own writer can glue numbers together) */
function pathData(commands: PathCommand[]): string {
  const n = (v: number | undefined) => String(Math.round(v ?? 0) || 0);
  return commands
    .map((c) => {
      if (c.type === 'Z') return 'Z';
      if (c.type === 'Q') return `Q${n(c.x1)} ${n(c.y1)} ${n(c.x)} ${n(c.y)}`;
      if (c.type === 'C') return `C${n(c.x1)} ${n(c.y1)} ${n(c.x2)} ${n(c.y2)} ${n(c.x)} ${n(c.y)}`;
      return `${c.type}${n(c.x)} ${n(c.y)}`;
    })
    .join('');
}

function extract(font: FontEntry): GlyphFile {
  const bytes = readFileSync(font.file);
  const parsed = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const glyphs: Record<string, string> = {};
  for (const ch of DIGITS + LETTERS) {
    const glyph = parsed.charToGlyph(ch);
    const d = glyph.index === 0 ? '' : pathData(glyph.getPath(0, 0, parsed.unitsPerEm).commands);
    if (d === '') {
      if (DIGITS.includes(ch)) throw new Error(`${font.file} has no glyph for the digit ${ch}; choose another evaluation font`);
      continue;
    }
    glyphs[ch] = d;
  }
  return { version: GLYPHS_VERSION, id: font.id, unitsPerEm: parsed.unitsPerEm, glyphs };
}

/** the evaluation fonts of data/eval/fonts.json */
export function evalFonts(): FontEntry[] {
  const list = readFontList();
  return [...list.eval.handwriting, ...list.eval.printed];
}

/**
 * extracts the fonts' digits and letters (by default the evaluation fonts into data/eval/glyphs;
 * the training side may extract the training fonts into a folder of its own); returns the files written
 */
export function extractGlyphs(fonts: readonly FontEntry[] = evalFonts(), dir = GLYPHS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return fonts.map((font) => {
    const path = join(dir, `${font.id}.json`);
    writeFileSync(path, `${JSON.stringify(extract(font))}\n`);
    return path;
  });
}
