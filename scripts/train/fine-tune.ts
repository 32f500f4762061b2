import { readFileSync } from 'node:fs';
import { decodeModel, type DecodedModel } from '../../shared/model/format';
import { D, K } from '../../shared/dims';
import { DEFAULT_CONFIG, type TrainConfig } from './config';

// npm run train -- --from models/default.bin --extra data/feedback: a fine-tune. the run starts from
// the file's weights (its architecture and input spec, its recipe's data settings), trains briefly at a
// low learning rate on the corrections mixed with the recipe's data (the --extra-max-share cap as in
// a full run), then fits the temperature and the not-a-digit probe again, as a full run
// does. every flag given on the command line still overrides these settings.

/**
 * what a fine-tune changes in its model's recipe: one epoch at a low learning rate. measured on this
 * machine from models/default.bin (99.03%) with 80 extra images, MNIST test accuracy after / seconds
 * for the whole command: 1 epoch of the recipe's data at lr 0.0001: 99.03% / 13 s; 2 epochs at 0.0002:
 * 99.01% / 19 s; 1 epoch of the first 15,000 images at 0.0003: 98.98% / 7.5 s, at 0.00005: 98.99% /
 * 8 s; 30,000 at 0.0001: 99.08% / 11 s (±0.05 points is this test set's noise between seeds).
 */
export const FINE_TUNE: Pick<TrainConfig, 'epochs' | 'lr' | 'schedule' | 'warmupEpochs' | 'minLrFactor'> = {
  epochs: 1,
  lr: 0.0001,
  schedule: 'cosine',
  warmupEpochs: 0,
  minLrFactor: 0.1,
};

export interface StartingModel {
  path: string;
  model: DecodedModel;
}

export class FineTuneError extends Error {}

export async function readStartingModel(path: string): Promise<StartingModel> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    throw new FineTuneError(`--from ${path}: no such model file (e.g. models/default.bin, or runs/latest/model.bin)`);
  }
  const model = await decodeModel(bytes).catch((e: Error) => {
    throw new FineTuneError(`--from ${path}: ${e.message}`);
  });
  if (model.header.dtype !== 'float32') throw new FineTuneError(`--from ${path} is ${model.header.dtype}: fine-tune the float32 file it was quantized from (add --int8 to get an int8 copy of the result)`);
  const { sizes } = model.header.architecture;
  if (sizes[0] !== D || sizes[sizes.length - 1] !== K) throw new FineTuneError(`--from ${path}: a ${sizes.join('-')} network does not read ${D} pixels into ${K} classes`);
  return { path, model };
}

const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
const number = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/**
 * the config a fine-tune of `from` starts with, before the command line's flags: the file's
 * architecture and input spec (which no flag may change), its recipe's data settings as its header
 * records them (the default recipe's where it records none), and FINE_TUNE's schedule
 */
export function fineTuneBase({ model }: StartingModel): TrainConfig {
  const { architecture, metadata } = model.header;
  const t = metadata.training ?? {};
  return {
    ...DEFAULT_CONFIG,
    conv: (architecture.layers ?? []).filter((k) => k !== 'dense'),
    hidden: architecture.sizes.slice(1 + (architecture.layers ?? []).filter((k) => k !== 'dense').length, -1),
    scale: architecture.inputScale === 1 ? 'raw' : 'unit',
    deskew: architecture.deskew ?? false,
    batch: number(t.batch, DEFAULT_CONFIG.batch),
    optimizer: 'adam',
    weightDecay: number(t.weightDecay, DEFAULT_CONFIG.weightDecay),
    labelSmoothing: number(t.labelSmoothing, DEFAULT_CONFIG.labelSmoothing),
    augment: bool(t.augment, DEFAULT_CONFIG.augment),
    augmentStrength: number(t.augmentStrength, DEFAULT_CONFIG.augmentStrength),
    degrade: bool(t.degrade, DEFAULT_CONFIG.degrade),
    fontDigits: number(t.fontDigits, DEFAULT_CONFIG.fontDigits),
    pieceLines: number(t.pieceLines, 0),
    trainLimit: number(t.trainLimit, DEFAULT_CONFIG.trainLimit),
    seed: number(t.seed, DEFAULT_CONFIG.seed),
    // the same images held out, so the temperature is fitted again on images neither run trained on
    calibrationHoldout: number(t.calibrationHoldout, DEFAULT_CONFIG.calibrationHoldout),
    ...FINE_TUNE,
  };
}

/** the flags a fine-tune may not change: they must be the starting model's */
export function checkFineTune(config: TrainConfig, from: StartingModel): void {
  const base = fineTuneBase(from);
  const differs = (['conv', 'hidden', 'scale', 'deskew'] as const).filter((k) => JSON.stringify(config[k]) !== JSON.stringify(base[k]));
  if (differs.length) throw new FineTuneError(`--from ${from.path} fixes ${differs.map((k) => `--${k === 'conv' ? 'arch' : k}`).join(', ')} (the file's architecture and input); leave ${differs.length > 1 ? 'them' : 'it'} out`);
}
