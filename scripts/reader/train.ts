import { D } from '../../shared/dims';
import { lineWindows, WINDOW_STRIDE } from '../../shared/image/line';
import { createWorkspace, forward } from '../../shared/model/forward';
import { ctcGreedy, ctcLoss } from '../../shared/model/kernels/ctc';
import { LINE_CLASSES } from '../../shared/model/line-reader';
import { createNetwork, initHe, type Network } from '../../shared/model/network';
import type { Rng } from '../../shared/rng';
import { backwardLayers } from '../../shared/train/backward';
import type { TrainingLine } from '../../shared/train/line-set';
import { ADAM_DEFAULTS, adamUpdate, createAdamState } from '../../shared/train/optim/adam';

// the line reader's training: every window of a batch of lines through the network at once, each
// line's frames scored by CTC against its label (shared/model/kernels/ctc.ts), Adam with a cosine
// learning rate. one thread: a run of the default size takes about 20 minutes.

export interface ReaderConfig {
  hidden: number[];
  epochs: number;
  lr: number;
  /** lines are added to a batch until it holds this many windows */
  batchWindows: number;
}

/**
 * [128, 64]: what the free plan can pay for. [256, 128] reads 2 points more of the dev numbers when
 * every group of touching digits is read (scripts/dev/read-lines.ts: 77.5% against 75.2%) but costs
 * ~1.75× the CPU a window, so within the free plan's budget it reads fewer groups and no more numbers
 */
export const READER_DEFAULTS: ReaderConfig = { hidden: [128, 64], epochs: 6, lr: 1e-3, batchWindows: 256 };

export interface ReaderEpoch {
  epoch: number;
  loss: number; // mean CTC loss per line, as trained
  heldOutExact: number; // share of the held-out lines whose best path is exactly their label
  seconds: number;
}

/** the most windows of one batch: a batch stops before a line would overflow it */
const MAX_BATCH_WINDOWS = 1024;

/** the share of `lines` whose best path reads exactly their label */
export function exactShare(net: Network, lines: readonly TrainingLine[], inputScale: number): number {
  if (lines.length === 0) return 0;
  const ws = createWorkspace(net.sizes, MAX_BATCH_WINDOWS);
  let right = 0;
  for (const { line, label } of lines) {
    const { x, T } = lineWindows(line, inputScale);
    if (T > MAX_BATCH_WINDOWS) continue;
    if (ctcGreedy(forward(net, x, T, ws), T, LINE_CLASSES).join('') === label.join('')) right++;
  }
  return right / lines.length;
}

export function trainReader(train: TrainingLine[], heldOut: readonly TrainingLine[], config: ReaderConfig, rng: Rng, inputScale: number, onEpoch?: (e: ReaderEpoch) => void, onStep?: (done: number, total: number, loss: number) => void): { network: Network; epochs: ReaderEpoch[] } {
  const sizes = [D, ...config.hidden, LINE_CLASSES];
  const net = createNetwork(sizes);
  initHe(net, rng);
  const grads = createNetwork(sizes);
  const adam = createAdamState(net.params.length);
  const ws = createWorkspace(sizes, MAX_BATCH_WINDOWS);
  const x = new Float32Array(MAX_BATCH_WINDOWS * D);
  const dlogits = ws.grads[ws.grads.length - 1];
  const order = Int32Array.from(train, (_, i) => i);
  const total = config.epochs * train.length;
  const epochs: ReaderEpoch[] = [];
  const start = performance.now();
  let step = 0;
  for (let e = 0; e < config.epochs; e++) {
    rng.shuffle(order);
    let loss = 0, seen = 0;
    for (let k = 0; k < order.length;) {
      // a batch: lines until it holds batchWindows windows, each at a random phase of the stride
      const batch: { label: number[]; at: number; T: number }[] = [];
      let B = 0;
      while (k < order.length && B < config.batchWindows) {
        const { line, label } = train[order[k]];
        const phase = rng.int(WINDOW_STRIDE);
        const { T } = lineWindows(line, inputScale, phase, x.subarray(B * D));
        k++;
        if (B + T > MAX_BATCH_WINDOWS) {
          if (batch.length === 0) continue; // a line longer than a whole batch is skipped
          k--; // it starts the next batch
          break;
        }
        batch.push({ label, at: B, T });
        B += T;
      }
      if (batch.length === 0) continue;
      const probs = forward(net, x, B, ws);
      for (const b of batch) loss += ctcLoss(dlogits.subarray(b.at * LINE_CLASSES), probs.subarray(b.at * LINE_CLASSES), b.T, LINE_CLASSES, b.label, 1 / batch.length);
      seen += batch.length;
      grads.params.fill(0);
      backwardLayers(net, grads, x, B, ws);
      const done = e * order.length + k;
      const lr = config.lr * 0.5 * (1 + Math.cos((Math.PI * done) / total));
      adamUpdate(net.params, grads.params, adam.m, adam.v, lr, ++step, ADAM_DEFAULTS);
      onStep?.(done, total, loss / seen);
    }
    const r: ReaderEpoch = { epoch: e + 1, loss: loss / Math.max(1, seen), heldOutExact: exactShare(net, heldOut, inputScale), seconds: (performance.now() - start) / 1000 };
    epochs.push(r);
    onEpoch?.(r);
  }
  return { network: net, epochs };
}
