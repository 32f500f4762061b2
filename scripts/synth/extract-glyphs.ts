// npx tsx scripts/synth/extract-glyphs.ts [--fonts data/eval/fonts.json] [--out data/train/glyphs.json]
// writes the outlines of the digits 0-9 of every font on the training side of the font split
// (data/eval/fonts.json: a family is on one side only; the evaluation fonts are never trained on),
// as svg path data in font units, y down, with each font's package and licence, so a fresh clone
// can synthesise printed and handwriting-style training digits without the font files. needs the
// Debian font packages named in the split installed.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import opentype, { type PathCommand } from 'opentype.js';
import type { GlyphFont } from '../../shared/train/font-digits';

export interface GlyphFile {
  note: string;
  fonts: (GlyphFont & { id: string; kind: string; package: string; file: string; copyright: string; license: string })[];
}

interface SplitFont {
  id: string;
  family: string;
  package: string;
  file: string;
  license: string;
}

// hollow outline digits, unlike anything people write or print on paper
const SKIP = new Set(['femkeklaver']);

type Font = ReturnType<typeof opentype.parse>;

/** the font's English name record `key` (opentype.js keeps one table per platform) */
function nameOf(font: Font, key: string): string {
  const names = font.names as unknown as Record<string, Record<string, Record<string, string>> | undefined>;
  for (const platform of ['windows', 'macintosh', 'unicode']) {
    const entry = names[platform]?.[key];
    if (entry) return entry.en ?? Object.values(entry)[0] ?? '';
  }
  return '';
}

/** compact svg path data in whole font units (exact enough at 1000-2048 units per em, and small): no separator before a minus sign */
function pathData(commands: PathCommand[]): string {
  const list = (...vs: (number | undefined)[]) => vs.map((v) => String(Math.round(v ?? 0))).join(' ').replace(/ -/g, '-');
  let at = '';
  return commands
    .map((c) => {
      // a line to where the pen already is draws nothing
      if (c.type === 'L' && list(c.x, c.y) === at) return '';
      if (c.type !== 'Z') at = list(c.x, c.y);
      if (c.type === 'Z') return 'Z';
      if (c.type === 'Q') return `Q${list(c.x1, c.y1, c.x, c.y)}`;
      if (c.type === 'C') return `C${list(c.x1, c.y1, c.x2, c.y2, c.x, c.y)}`;
      return `${c.type}${list(c.x, c.y)}`;
    })
    .join('');
}

function extract(f: SplitFont, kind: string): GlyphFile['fonts'][number] {
  const bytes = readFileSync(f.file);
  const font = opentype.parse(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const digits = Array.from({ length: 10 }, (_, d) => {
    const glyph = font.charToGlyph(String(d));
    if (glyph.index === 0) throw new Error(`${f.file} has no glyph for "${d}"`);
    return pathData(glyph.getPath(0, 0, font.unitsPerEm).commands);
  });
  return { id: f.id, family: f.family, kind, package: f.package, file: basename(f.file), copyright: nameOf(font, 'copyright').trim(), license: f.license, digits };
}

const { values } = parseArgs({ options: { fonts: { type: 'string', default: 'data/eval/fonts.json' }, out: { type: 'string', default: 'data/train/glyphs.json' } } });
const split = JSON.parse(readFileSync(values.fonts!, 'utf8')) as { training: Record<string, SplitFont[]> };
const fonts: GlyphFile['fonts'] = [];
for (const [kind, list] of Object.entries(split.training)) for (const f of list) if (!SKIP.has(f.id)) fonts.push(extract(f, kind));
const file: GlyphFile = {
  note: `digit outlines (0-9) of the training side of ${values.fonts} (never an evaluation font), written by scripts/synth/extract-glyphs.ts; each entry names its Debian package and licence`,
  fonts,
};
writeFileSync(values.out!, JSON.stringify(file) + '\n');
console.log(`${values.out}: ${fonts.length} fonts (${fonts.map((f) => f.id).join(', ')})`);
