import { conv2dBackward } from '../model/kernels/conv2d';
import { linearBackward } from '../model/kernels/linear';
import { reluBackward } from '../model/kernels/relu';
import { crossEntropyForward, distillationBackward, distillationForward, softmaxCrossEntropyBackward, softmaxForward } from '../model/kernels/softmax';
import type { Network } from '../model/network';
import type { Workspace } from '../model/forward';

export interface BackwardOptions {
  /** gradients are multiplied by this: 1 / (whole batch size), so shards of one batch add up to its mean */
  scale: number;
  labelSmoothing?: number;
  /** distillation: the loss becomes alpha·CE(labels) + (1 − alpha)·T²·KL(teacher ‖ student), both softened by T */
  distill?: DistillTerm;
}

export interface DistillTerm {
  alpha: number; // the hard-label loss's weight; the soft loss has 1 − alpha
  temperature: number; // T
  teacherSoft: Float32Array; // (B, K) softmax(teacher logits / T) for the same inputs
  studentSoft: Float32Array; // (≥ B·K) scratch: softmax(student logits / T) is written here
}

/**
 * after forward(net, x, B, ws): accumulates (+=) the gradient of the summed cross-entropy × scale
 * (with options.distill, of the summed distillation loss × scale)
 * into `grads` (a Network of the same sizes used as gradient storage) and returns the summed loss.
 */
export function backward(
  net: Network, grads: Network, x: Float32Array, targets: ArrayLike<number>, B: number, ws: Workspace, options: BackwardOptions,
): number {
  const L = net.layers.length;
  const K = net.sizes[L];
  const smoothing = options.labelSmoothing ?? 0;
  const distill = options.distill;
  let loss: number;
  if (!distill) {
    loss = crossEntropyForward(ws.probs, targets, B, K, smoothing);
    softmaxCrossEntropyBackward(ws.grads[L - 1], ws.probs, targets, B, K, options.scale, smoothing);
  } else {
    const { alpha, temperature: T, teacherSoft, studentSoft } = distill;
    softmaxForward(studentSoft, ws.acts[L - 1], B, K, T);
    loss = alpha * crossEntropyForward(ws.probs, targets, B, K, smoothing) + (1 - alpha) * T * T * distillationForward(studentSoft, teacherSoft, B, K);
    softmaxCrossEntropyBackward(ws.grads[L - 1], ws.probs, targets, B, K, options.scale * alpha, smoothing);
    distillationBackward(ws.grads[L - 1], studentSoft, teacherSoft, B, K, T, options.scale * (1 - alpha));
  }
  backwardLayers(net, grads, x, B, ws);
  return loss;
}

/**
 * after forward(net, x, B, ws) and with the gradient wrt the logits in ws.grads[L-1] (whatever loss
 * put it there: cross-entropy above, CTC for the line reader): accumulates (+=) every layer's
 * parameter gradients into `grads`, layer by layer from the last.
 */
export function backwardLayers(net: Network, grads: Network, x: Float32Array, B: number, ws: Workspace): void {
  const L = net.layers.length;
  for (let l = L - 1; l >= 0; l--) {
    const { weight, inSize, outSize, conv } = net.layers[l];
    const inp = l === 0 ? x : ws.acts[l - 1];
    const dinp = l === 0 ? null : ws.grads[l - 1];
    // a hidden layer's input is a ReLU output: its gradient is 0 wherever that output is (reluBackward below)
    if (conv) conv2dBackward(dinp, grads.layers[l].weight, grads.layers[l].bias, ws.grads[l], inp, weight, B, conv, l > 0);
    else linearBackward(dinp, grads.layers[l].weight, grads.layers[l].bias, ws.grads[l], inp, weight, B, inSize, outSize);
    if (dinp !== null) reluBackward(dinp, dinp, ws.acts[l - 1], B * inSize);
  }
}
