import { D } from '../../shared/dims';
import type { DecodedImage } from '../../shared/image/decoded';
import { reliabilityBins } from '../../shared/model/calibration';
import { temperatureOf, type DecodedModel } from '../../shared/model/format';
import { inputSpecOf } from '../../shared/model/input';
import { predictorFor } from '../../shared/model/predict';
import { loadEvalSets, readManifest } from '../eval/manifest';
import { preprocessSet, scoreSet, type SetScore } from '../eval/score';
import type { EvalSet } from '../eval/set';
import type { MistakeRecord, RobustnessReport } from '../report/types';
import { evaluate } from './evaluate';
import type { Split } from './mnist';
import { encodeGrayPng } from './png';

// the robustness section of the training report (and the MNIST rows of npm run robustness): every
// evaluation set scored through the model file's own predictor, as the Worker would answer.

const MISTAKES = 24;
const SENT_MAX = 112; // px: the picture as sent is shrunk to this for the report

/** the uncertain flag on a labelled split of 28×28 images (MNIST test): share flagged, and flagged although right */
export function flagRate(model: DecodedModel, split: Split): { flagged: number; flaggedCorrect: number } {
  const predictor = predictorFor(model);
  let flagged = 0, flaggedCorrect = 0;
  const B = 500;
  for (let s = 0; s < split.count; s += B) {
    const n = Math.min(B, split.count - s);
    predictor.predictPacked(Float32Array.from(split.images.subarray(s * D, (s + n) * D)), n).forEach((p, b) => {
      if (!p.uncertain) return;
      flagged++;
      if (p.digit === split.labels[s + b]) flaggedCorrect++;
    });
  }
  return { flagged: flagged / split.count, flaggedCorrect: flaggedCorrect / split.count };
}

/** a picture as sent, shrunk to fit SENT_MAX px (box average), transparency over light grey, as a PNG data URI */
export function sentPngDataUri(img: DecodedImage): string {
  const scale = Math.min(1, SENT_MAX / Math.max(img.width, img.height));
  const w = Math.max(1, Math.round(img.width * scale)), h = Math.max(1, Math.round(img.height * scale));
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const x0 = Math.floor(x / scale), x1 = Math.max(x0 + 1, Math.floor((x + 1) / scale));
      const y0 = Math.floor(y / scale), y1 = Math.max(y0 + 1, Math.floor((y + 1) / scale));
      let sum = 0, n = 0;
      for (let yy = y0; yy < Math.min(y1, img.height); yy++)
        for (let xx = x0; xx < Math.min(x1, img.width); xx++) {
          const i = yy * img.width + xx;
          const a = img.alpha ? img.alpha[i] : 1;
          sum += img.gray[i] * a + 200 * (1 - a);
          n++;
        }
      out[y * w + x] = Math.round(sum / Math.max(1, n));
    }
  return `data:image/png;base64,${encodeGrayPng(out, w, h).toString('base64')}`;
}

/** scores every evaluation set and the test split; the section writeReport renders */
export function measureRobustness(model: DecodedModel, test: Split, names?: readonly string[]): RobustnessReport {
  const T = temperatureOf(model.header);
  const sets: EvalSet[] = loadEvalSets(names);
  const scored: { set: EvalSet; inputs: (Float32Array | null)[]; score: SetScore }[] = sets.map((set) => {
    const inputs = preprocessSet(set);
    return { set, inputs, score: scoreSet(model, set, inputs) };
  });

  // reliability: MNIST test, and every answered picture of the digit sets pooled
  const input = inputSpecOf(model.header);
  const raw = evaluate(model.network, test, input);
  const calibrated = evaluate(model.network, test, input, T);
  const testRight = Array.from(raw.predicted, (p, i) => p === test.labels[i]);
  const digits = scored.filter((s) => s.set.kind === 'digits');
  const pooled = digits.flatMap(({ set, score }) => set.items.map((item, i) => ({ i, score, right: score.predicted[i] === item.label })).filter(({ i, score: sc }) => sc.predicted[i] >= 0));

  const mistakes: MistakeRecord[] = digits
    .flatMap(({ set, inputs, score }) =>
      set.items.map((item, i) => ({ item, i, set, inputs, score })).filter(({ item, i, score: sc }) => sc.predicted[i] >= 0 && sc.predicted[i] !== item.label))
    .sort((a, b) => b.score.top[b.i] - a.score.top[a.i])
    .slice(0, MISTAKES)
    .map(({ item, i, set, inputs, score }) => ({
      set: set.name,
      label: item.label,
      predicted: score.predicted[i],
      confidence: score.top[i],
      uncertain: score.reasons[i] !== null,
      sent: sentPngDataUri(item.image),
      seen: Uint8Array.from(inputs[i]!, (v) => Math.round(v)),
    }));

  const testFlags = flagRate(model, test);
  const about = new Map(readManifest().sets.map((e) => [e.name, e.about]));
  return {
    temperature: T,
    sets: [
      {
        name: 'MNIST test', kind: 'digits', about: 'the 10,000 MNIST test images, as they are', count: test.count,
        accuracy: calibrated.accuracy, rejected: 0, ece: calibrated.ece, eceUncalibrated: raw.ece, ...testFlags,
      },
      ...scored.map(({ set, score }) => ({
        name: set.name,
        kind: set.kind,
        about: about.get(set.name) ?? '',
        count: score.count,
        accuracy: set.kind === 'digits' ? score.accuracy : null,
        rejected: score.rejected,
        ece: set.kind === 'digits' ? score.ece : null,
        eceUncalibrated: set.kind === 'digits' ? score.eceUncalibrated : null,
        flagged: score.flagged,
        flaggedCorrect: set.kind === 'digits' ? score.flaggedCorrect : null,
      })),
    ],
    reliability: [
      { title: 'MNIST test', before: reliabilityBins(raw.confidence, testRight), after: reliabilityBins(calibrated.confidence, testRight) },
      {
        title: `the digit sets of data/eval (${pooled.length} pictures)`,
        before: reliabilityBins(pooled.map(({ i, score }) => score.topUncalibrated[i]), pooled.map((p) => p.right)),
        after: reliabilityBins(pooled.map(({ i, score }) => score.top[i]), pooled.map((p) => p.right)),
      },
    ],
    mistakes,
  };
}

