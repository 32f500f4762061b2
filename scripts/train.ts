// npm run train -- [flags]: trains the network on MNIST with shared/'s math, writes the model
// file and a report, and optionally uploads to the local KV. `npm run train -- --help` for flags.
import { join } from 'node:path';
import { evaluate } from './lib/evaluate';
import { runCli } from './lib/cli';
import { parseCli, readOptions } from './train/cli';
import { checkFineTune, fineTuneBase, readStartingModel, type StartingModel } from './train/fine-tune';
import { inputSpec } from './train/config';
import { datasetLine, loadTrainingData } from './train/data';
import { fitAfterTraining } from './train/after-training';
import { train } from './train/engine';
import { readTeacher } from './train/teacher';
import { modelMetadata } from './train/metadata';
import { reproducibleMetadata } from './train/reproducible';
import { saveInt8Copy, saveModel, uploadToLocalKv } from './train/model-files';
import { accuracyGate, printOutcome, writeSummary, type FinishedRun } from './train/outcome';
import { headline, progressDisplay } from './train/progress';
import { writeRunReport } from './train/report';

runCli(async () => {
  const argv = process.argv.slice(2);
  let opts = readOptions(argv);
  if (typeof opts === 'number') return opts; // --help, or a bad flag
  // --from: a fine-tune; its model's architecture, input and recipe are the settings the flags override
  let from: StartingModel | null = null;
  if (opts.from) {
    from = await readStartingModel(opts.from);
    opts = parseCli(argv, fineTuneBase(from));
    checkFineTune(opts.config, from);
  }
  // --teacher: read before the data, so a wrong file fails at once; its version joins the recorded settings
  const teacher = await readTeacher(opts.config);
  if (teacher) opts = { ...opts, config: { ...opts.config, distill: teacher.settings } };
  const { config, out } = opts;
  const input = inputSpec(config);
  const data = loadTrainingData(opts);
  if (from) console.log(`fine-tuning ${from.path} (${from.model.version}, ${from.model.header.metadata.testAccuracy === undefined ? 'no test accuracy in its header' : `${(from.model.header.metadata.testAccuracy * 100).toFixed(2)}% on the MNIST test set`})`);
  console.log(headline(config));

  const result = await train(config, data, progressDisplay(config), from?.model.network.params, teacher?.network ?? null);
  // the temperature and the uncertain flag's probe, fitted on the training images the run held out (never the test set)
  const fitted = fitAfterTraining(config, result.network, data.train, input);
  const uncalibrated = evaluate(result.network, data.test, input);
  const test = fitted.calibration ? evaluate(result.network, data.test, input, fitted.calibration.temperature) : uncalibrated;
  // how many of the extra images (people's corrections) the model gets right, before and after this run
  const extra = data.extraSummary && data.extra && data.extra.count > 0
    ? { ...data.extraSummary, right: { before: from ? Math.round(evaluate(from.model.network, data.extra, input).accuracy * data.extra.count) : null, after: Math.round(evaluate(result.network, data.extra, input).accuracy * data.extra.count) } }
    : data.extraSummary;
  if (extra?.right) console.log(`--extra: ${extra.right.after} of ${extra.count} right after training${extra.right.before === null ? '' : ` (${extra.right.before} with ${from!.path})`}`);
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const measured = modelMetadata(config, result, test, datasetLine(config, data, opts.extra), from);
  // --reproducible: no dates, timings or thread count, and the command that rebuilds the file
  const metadata = opts.reproducible ? reproducibleMetadata(measured, process.argv.slice(2)) : measured;
  const model = await saveModel(opts.model ?? join(out, 'model.bin'), result.network, metadata, input, fitted);
  const fineTunedFrom = from ? { path: from.path, version: from.model.version, testAccuracy: from.model.header.metadata.testAccuracy ?? null } : null;
  const run: FinishedRun = { config, result, test, uncalibratedEce: uncalibrated.ece, fitted, model, peakRssMB, extra, from: fineTunedFrom };
  printOutcome(run);

  if (opts.int8) await saveInt8Copy(out, result.network, metadata, input, model, data.test, fitted);
  if (opts.report) await writeRunReport(join(out, 'report'), run, data.test, opts.robustness);
  writeSummary(out, run);
  if (opts.upload) await uploadToLocalKv(model);
  return accuracyGate(test.accuracy, opts.minAccuracy);
});
