import { readFileSync, writeFileSync } from 'node:fs';
import { decodeModel } from '../../shared/model/format';
import { predictorFor } from '../../shared/model/predict';
import { readPicture } from '../../shared/model/read';
import { loadMnist } from '../lib/mnist';
import { generateNumberSet, NUMBER_RECIPES } from '../eval/numbers';
import { loadSources } from '../eval/set';
import { writeSheet } from '../eval/sheet';
const predictor = predictorFor(await decodeModel(new Uint8Array(readFileSync('models/default.bin'))));
const sources = loadSources(loadMnist().test);
const bad = [];
for (const r of NUMBER_RECIPES) {
  const set = generateNumberSet({ ...r, count: 42 }, sources);
  for (const it of set.items) {
    if (it.gap === 'touching') continue;
    let t; try { const x = readPicture(it.image, predictor); t = x.text + ' ' + x.digits.map(d => `${d.digit}@${d.box.x},${d.box.y},${d.box.width}x${d.box.height}:${d.confidence.toFixed(2)}`).join(' '); } catch (e) { t = String(e); }
    if (!t.startsWith(it.text + ' ')) { bad.push(it.image); console.log(r.name, it.text, it.image.width, it.image.height, '→', t); }
  }
}
writeSheet('/tmp/bad.png', bad.slice(0, 16), 2, 300);
