// how a JPEG decoding choice for POST /read changes what it reads (npx tsx scripts/dev/read-jpeg-score.ts
// [--count 100] [--side 800] [--quality 75,90] [--progressive-only]): the number sets (scripts/eval/numbers.ts) scaled up
// to `side` px on their longer side as a phone's photo would be, saved by libjpeg-turbo's cjpeg (Debian's
// libjpeg-turbo-progs; dev only) baseline and progressive, then read as /read reads them with the
// decoder exact and with worker/read.ts READ_JPEG. prints exact matches for each.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DecodedImage } from '../../shared/image/decoded';
import { ImageError } from '../../shared/image/decoded';
import { decodeImageReduced, type JpegDetail } from '../../shared/image/decode';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { pictureInk, readInk, READ_SIDE } from '../../shared/model/read';
import { READ_JPEG } from '../../worker/read';
import { loadMnist } from '../lib/mnist';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { loadSources } from '../eval/set';

const { values } = parseArgs({ options: { count: { type: 'string', default: '100' }, side: { type: 'string', default: '800' }, quality: { type: 'string', default: '75,90' }, 'progressive-only': { type: 'boolean' } } });
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
const sources = loadSources(loadMnist().test);
const side = Number(values.side);

/** bilinear, the longer side to `side` px, as a gray PPM (three equal channels) */
function ppm(img: DecodedImage): Buffer {
  const s = side / Math.max(img.width, img.height);
  const W = Math.round(img.width * s), H = Math.round(img.height * s);
  const out = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
    const sy = Math.min(img.height - 1, Math.max(0, (y + 0.5) / s - 0.5)), sx = Math.min(img.width - 1, Math.max(0, (x + 0.5) / s - 0.5));
    const y0 = Math.floor(sy), x0 = Math.floor(sx), y1 = Math.min(img.height - 1, y0 + 1), x1 = Math.min(img.width - 1, x0 + 1), fy = sy - y0, fx = sx - x0;
    const g = (yy: number, xx: number) => img.gray[yy * img.width + xx];
    const v = (g(y0, x0) * (1 - fx) + g(y0, x1) * fx) * (1 - fy) + (g(y1, x0) * (1 - fx) + g(y1, x1) * fx) * fy;
    out.fill(Math.round(v), (y * W + x) * 3, (y * W + x) * 3 + 3);
  }
  return Buffer.concat([Buffer.from(`P6\n${W} ${H}\n255\n`), out]);
}

async function read(bytes: Uint8Array, detail: JpegDetail): Promise<string> {
  try {
    const picture = await decodeImageReduced(bytes, READ_SIDE, { png: {}, jpeg: {} }, 'jpeg', detail);
    return readInk(pictureInk(picture), predictor).text;
  } catch (e) {
    if (e instanceof ImageError) return e.code;
    throw e;
  }
}

for (const q of values.quality!.split(',')) {
  for (const progressive of values['progressive-only'] ? [true] : [false, true]) {
    let n = 0, exact = 0, coarse = 0, same = 0;
    for (const recipe of NUMBER_RECIPES) {
      const set = generateNumberSet({ ...recipe, count: Number(values.count) }, sources);
      for (const item of set.items) {
        const jpg = new Uint8Array(execFileSync('cjpeg', ['-quality', q, ...(progressive ? ['-progressive'] : [])], { input: ppm(item.image) }));
        const a = await read(jpg, {}), b = await read(jpg, READ_JPEG);
        n++;
        if (a === item.text) exact++;
        if (b === item.text) coarse++;
        if (a === b) same++;
      }
    }
    console.log(`q${q} ${progressive ? 'progressive' : 'baseline   '} ${n} numbers at ${side} px: exact decode ${exact} right (${((100 * exact) / n).toFixed(1)}%), READ_JPEG ${coarse} (${((100 * coarse) / n).toFixed(1)}%), same answer ${same}`);
  }
}
