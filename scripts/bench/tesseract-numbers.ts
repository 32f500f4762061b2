// npm run bench:tesseract-numbers [-- --count 100] [--sets a,b]: scores Tesseract (the OCR tool
// people reach for; Debian's tesseract-ocr, LSTM engine) on the same number sets as `npm run
// read:score`, one line of digits (--psm 7, digits only), for the README's comparison. needs
// /usr/bin/tesseract; nothing else depends on this script.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DecodedImage } from '../../shared/image/decoded';
import { runCli } from '../lib/cli';
import { loadMnist } from '../lib/mnist';
import { encodePng } from '../lib/png';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { formatTallies, mnistShortApart, scoreNumberSet } from '../eval/read-score';
import { loadSources } from '../eval/set';

const TESSERACT = '/usr/bin/tesseract';

/** the picture as a person sees it: a transparent canvas flattened onto the background its strokes stand out from */
function flattened(img: DecodedImage): Uint8Array {
  const n = img.width * img.height;
  if (!img.alpha) return Uint8Array.from(img.gray, (v) => Math.round(v));
  let sum = 0, weight = 0;
  for (let i = 0; i < n; i++) {
    sum += img.gray[i] * img.alpha[i];
    weight += img.alpha[i];
  }
  const background = weight > 0 && sum / weight > 128 ? 0 : 255;
  return Uint8Array.from({ length: n }, (_, i) => Math.round(background + (img.gray[i] - background) * img.alpha![i]));
}

runCli(async () => {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '100' }, sets: { type: 'string' } } });
  if (!existsSync(TESSERACT)) {
    console.error(`${TESSERACT} is not installed (apt-get install tesseract-ocr); nothing to score`);
    return 2;
  }
  const version = execFileSync(TESSERACT, ['--version'], { encoding: 'utf8' }).split('\n')[0];
  const dir = mkdtempSync(join(tmpdir(), 'tess-'));
  const sources = loadSources(loadMnist().test);
  const names = values.sets?.split(',');
  const tallies = [];
  const all = [];
  let k = 0;
  try {
    for (const recipe of NUMBER_RECIPES.filter((r) => !names || names.includes(r.name))) {
      const set = generateNumberSet({ ...recipe, count: Number(values.count) }, sources);
      const { tally, results } = scoreNumberSet(set, null as never, (image) => {
        const file = join(dir, `${k++}.png`);
        writeFileSync(file, encodePng({ width: image.width, height: image.height, colorType: 0, bitDepth: 8, samples: flattened(image) }));
        const out = execFileSync(TESSERACT, [file, 'stdout', '--psm', '7', '-c', 'tessedit_char_whitelist=0123456789'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        const text = out.replace(/[^0-9]/g, '');
        return { text: text === '' ? null : text, uncertain: false, error: text === '' ? 'nothing read' : null };
      }, false);
      tallies.push(tally);
      all.push(...results);
      console.error(`${recipe.name}: done`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`${version}, --psm 7, digits only, ${values.count} numbers per set\n`);
  console.log(formatTallies(tallies));
  const short = mnistShortApart(all);
  console.log(`\n2–4-digit mnist-test numbers that do not touch: ${short.exact}/${short.n} exact (${((100 * short.exact) / Math.max(1, short.n)).toFixed(1)}%)`);
});
