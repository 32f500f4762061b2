import { createAugmenter, DEFAULT_AUGMENT, type AugmentOptions } from '../../shared/train/augment';
import { backward } from '../../shared/train/backward';
import { createDegrader, DEFAULT_DEGRADE } from '../../shared/train/degrade';
import { D } from '../../shared/dims';
import { createWorkspace, forward } from '../../shared/model/forward';
import { createInputScratch, finishInput, writeInput, type InputSpec } from '../../shared/model/input';
import type { Network } from '../../shared/model/network';
import { argmax } from '../../shared/model/predict';
import { createRng, type Rng } from '../../shared/rng';
import type { TrainConfig } from './config';

// one shard of one batch: gather the images, augment them if asked, turn them into network inputs
// as the model file will say (scale, deskew: shared/model/input.ts), forward, backward
// (accumulating into grads: the caller zeroes them once per batch).
// everything a shard computes depends only on (config, epoch, sample position), never on
// which thread runs it, so any thread count gives the same bytes.

export interface ShardResult {
  loss: number; // summed over the shard
  correct: number;
}

/** a seed per (run, epoch, position): each sample's augmentation is independent of scheduling */
export function sampleSeed(seed: number, epoch: number, position: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(epoch + 1, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x27d4eb2d) ^ Math.imul(position + 1, 0x165667b1);
  return (h ^ (h >>> 13)) >>> 0;
}

/** the default augmentation with every range scaled by `strength` */
export function scaledAugment(strength: number): AugmentOptions {
  const d = DEFAULT_AUGMENT;
  return {
    ...d,
    maxShift: d.maxShift * strength,
    maxRotateDeg: d.maxRotateDeg * strength,
    scaleRange: d.scaleRange * strength,
    shear: (d.shear ?? 0) * strength,
    elasticAlpha: d.elasticAlpha * strength,
    strokeJitter: Math.min(1, (d.strokeJitter ?? 0) * strength),
  };
}

/** `teacher`: config.distill's network, run on the very inputs the student reads */
export function createShardStepper(config: TrainConfig, sizes: readonly number[], capacity: number, input: InputSpec, teacher: Network | null = null) {
  const ws = createWorkspace(sizes, capacity);
  const x = new Float32Array(capacity * D); // (B, D) network input
  const raw = new Float32Array(D); // one image before augmentation
  const scratch = createInputScratch();
  const y = new Uint8Array(capacity);
  const augment = config.augment ? createAugmenter(scaledAugment(config.augmentStrength)) : null;
  const degrade = config.degrade ? createDegrader(DEFAULT_DEGRADE) : null;
  const K = sizes[sizes.length - 1];
  const distill = config.distill && teacher
    ? { ...config.distill, ws: createWorkspace(teacher.sizes, capacity), studentSoft: new Float32Array(capacity * K) }
    : null;

  return function run(
    net: Network, grads: Network, images: Uint8Array, labels: Uint8Array,
    order: Uint32Array, from: number, count: number, epoch: number, gradScale: number,
  ): ShardResult {
    for (let b = 0; b < count; b++) {
      const i = order[from + b];
      y[b] = labels[i];
      const src = i * D;
      if (augment === null && degrade === null) {
        writeInput(x, b * D, images, src, input, scratch);
      } else {
        // augmentation works on [0, 1] images; rescale after
        for (let d = 0; d < D; d++) raw[d] = images[src + d] / 255;
        const rng: Rng = createRng(sampleSeed(config.seed, epoch, from + b));
        const out = x.subarray(b * D, (b + 1) * D);
        if (augment) augment(out, raw, rng);
        else out.set(raw);
        if (degrade) degrade(out, rng);
        if (input.scale !== 1 / 255) for (let d = 0; d < D; d++) out[d] *= input.scale * 255;
        // the augmented image is what the network reads, so it is what gets deskewed
        finishInput(x, b * D, input, scratch);
      }
    }
    forward(net, x, count, ws);
    let correct = 0;
    for (let b = 0; b < count; b++) if (argmax(ws.probs, b * K, K) === y[b]) correct++;
    // the teacher's softened probabilities: the shared forward pass at temperature T
    const teacherSoft = distill ? forward(teacher!, x, count, distill.ws, distill.temperature) : null;
    const loss = backward(net, grads, x, y, count, ws, {
      scale: gradScale,
      labelSmoothing: config.labelSmoothing,
      ...(distill ? { distill: { alpha: distill.alpha, temperature: distill.temperature, teacherSoft: teacherSoft!, studentSoft: distill.studentSoft } } : {}),
    });
    return { loss, correct };
  };
}
