// npx tsx scripts/synth/extract-glyphs.ts FONT_FILE… [--out data/train/glyphs.json]
// writes the outlines of the digits 0-9 of each font (svg path data, font units, y down) with the
// font's name, copyright and licence, so a fresh clone can synthesise printed training digits
// without the font files. only fonts reserved for training belong here, never evaluation fonts.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import opentype, { type Font } from 'opentype.js';
import type { GlyphFont } from '../../shared/train/font-digits';

export interface GlyphFile {
  note: string;
  fonts: (GlyphFont & { file: string; style: string; copyright: string; license: string })[];
}

/** a name record in English, whichever platform table has it */
function nameOf(font: Font, key: string): string {
  for (const platform of ['windows', 'macintosh', 'unicode']) {
    const table = font.names[platform] as Record<string, Record<string, string>> | undefined;
    const entry = table?.[key];
    if (entry) return entry.en ?? Object.values(entry)[0] ?? '';
  }
  const flat = (font.names as Record<string, Record<string, string>>)[key];
  return flat?.en ?? '';
}

function extract(path: string): GlyphFile['fonts'][number] {
  const bytes = readFileSync(path);
  const font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const digits = Array.from({ length: 10 }, (_, d) => {
    const glyph = font.charToGlyph(String(d));
    if (glyph.index === 0) throw new Error(`${path} has no glyph for "${d}"`);
    // integer font units are exact enough at 1000-2048 units per em, and keep the file small
    return glyph.getPath(0, 0, font.unitsPerEm).toPathData(0);
  });
  return {
    family: nameOf(font, 'fontFamily'),
    style: nameOf(font, 'fontSubfamily'),
    file: basename(path),
    copyright: nameOf(font, 'copyright'),
    license: nameOf(font, 'licenseURL') || nameOf(font, 'license').split('\n')[0].slice(0, 200),
    digits,
  };
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { out: { type: 'string', default: 'data/train/glyphs.json' } } });
if (positionals.length === 0) {
  console.error('usage: npx tsx scripts/synth/extract-glyphs.ts FONT_FILE… [--out data/train/glyphs.json]');
  process.exit(64);
}
const file: GlyphFile = {
  note: 'digit outlines (0-9) of fonts reserved for training, extracted by scripts/synth/extract-glyphs.ts; each entry keeps its font\'s copyright and licence',
  fonts: positionals.map(extract),
};
writeFileSync(values.out!, JSON.stringify(file, null, 1) + '\n');
console.log(`${values.out}: ${file.fonts.length} fonts (${file.fonts.map((f) => `${f.family} ${f.style}`).join(', ')})`);
