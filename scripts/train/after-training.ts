import { D } from '../../shared/dims';
import { createAugmenter } from '../../shared/train/augment';
import { createDegrader, DEFAULT_DEGRADE } from '../../shared/train/degrade';
import type { ModelCalibration } from '../../shared/model/format';
import type { InputSpec } from '../../shared/model/input';
import type { Network } from '../../shared/model/network';
import type { UncertaintyProbe } from '../../shared/model/uncertainty';
import { calibrate, heldOutSplit, trainableCount } from '../lib/calibration';
import type { Split } from '../lib/mnist';
import { fitUncertainty, type ProbeFit } from '../lib/uncertainty';
import { fontTrainingSet } from '../synth/font-set';
import type { RunDigits, TrainingTransform } from '../tune/sets';
import type { TrainConfig } from './config';
import { scaledAugment } from './shard-step';

// what a run fits once its weights are final, on the training images it held out
// (--calibration-holdout): the temperature of the probabilities, then the uncertain flag's probe.

export interface AfterTraining {
  calibration?: ModelCalibration; // none with --calibration-holdout 0
  uncertainty?: UncertaintyProbe; // none then, or for a network without a hidden layer
  /** the flag on fresh tuning pictures of each kind (made from the held-out images) */
  check: ProbeFit['check'];
  seconds: number;
}

export function fitAfterTraining(config: TrainConfig, network: Network, train: Split, input: InputSpec): AfterTraining {
  const started = performance.now();
  const none: AfterTraining = { check: [], seconds: 0 };
  if (config.calibrationHoldout === 0) return none;
  const heldOut = heldOutSplit(train, config.calibrationHoldout);
  const calibration = calibrate(network, heldOut, input);
  if (network.layers.length < 2) return { ...none, calibration, seconds: (performance.now() - started) / 1000 };
  // the images the run trained on (its --train-limit first ones, never the held-out ones)
  const count = Math.min(config.trainLimit || Infinity, trainableCount(train.count, config.calibrationHoldout));
  const trained: Split = { count, images: train.images.subarray(0, count * D), labels: train.labels.subarray(0, count) };
  const { probe, check } = fitUncertainty(network, input, calibration.temperature, trained, heldOut, runDigits(config));
  return { calibration, uncertainty: probe, check, seconds: (performance.now() - started) / 1000 };
}

/** what the run trains on beyond MNIST as it is (its augmentation and degradation, its printed digits): the probe must not flag it */
function runDigits(config: TrainConfig): RunDigits {
  const augment = config.augment ? createAugmenter(scaledAugment(config.augmentStrength)) : null;
  const degrade = config.degrade ? createDegrader(DEFAULT_DEGRADE) : null;
  const transform: TrainingTransform | undefined = augment || degrade
    ? (out, inp, rng) => {
        if (augment) augment(out, inp, rng);
        else out.set(inp);
        degrade?.(out, rng);
      }
    : undefined;
  // one rendering of each digit of each training font, seeded apart from the run's own
  return { transform, printed: config.fontDigits > 0 ? fontTrainingSet(1, config.seed ^ 0x0dd) : undefined };
}
