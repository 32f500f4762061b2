import { D } from '../../shared/dims';
import type { ModelCalibration } from '../../shared/model/format';
import type { Network } from '../../shared/model/network';
import type { UncertaintyProbe } from '../../shared/model/uncertainty';
import { calibrate, heldOutSplit, trainableCount } from '../lib/calibration';
import type { Split } from '../lib/mnist';
import { fitUncertainty, type ProbeFit } from '../lib/uncertainty';
import type { TrainConfig } from './config';

// what a run fits once its weights are final, on the training images it held out
// (--calibration-holdout): the temperature of the probabilities, then the uncertain flag's probe.

export interface AfterTraining {
  calibration?: ModelCalibration; // none with --calibration-holdout 0
  uncertainty?: UncertaintyProbe; // none then, or for a network without a hidden layer
  /** the flag on fresh tuning pictures of each kind (made from the held-out images) */
  check: ProbeFit['check'];
  seconds: number;
}

export function fitAfterTraining(config: TrainConfig, network: Network, train: Split, inputScale: number): AfterTraining {
  const started = performance.now();
  const none: AfterTraining = { check: [], seconds: 0 };
  if (config.calibrationHoldout === 0) return none;
  const heldOut = heldOutSplit(train, config.calibrationHoldout);
  const calibration = calibrate(network, heldOut, inputScale);
  if (network.layers.length < 2) return { ...none, calibration, seconds: (performance.now() - started) / 1000 };
  // the images the run trained on (its --train-limit first ones, never the held-out ones)
  const count = Math.min(config.trainLimit || Infinity, trainableCount(train.count, config.calibrationHoldout));
  const trained: Split = { count, images: train.images.subarray(0, count * D), labels: train.labels.subarray(0, count) };
  const { probe, check } = fitUncertainty(network, inputScale, calibration.temperature, trained, heldOut);
  return { calibration, uncertainty: probe, check, seconds: (performance.now() - started) / 1000 };
}
