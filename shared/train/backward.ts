import { conv2dBackward } from '../model/kernels/conv2d';
import { linearBackward } from '../model/kernels/linear';
import { reluBackward } from '../model/kernels/relu';
import { crossEntropyForward, softmaxCrossEntropyBackward } from '../model/kernels/softmax';
import type { Network } from '../model/network';
import type { Workspace } from '../model/forward';

export interface BackwardOptions {
  /** gradients are multiplied by this: 1 / (whole batch size), so shards of one batch add up to its mean */
  scale: number;
  labelSmoothing?: number;
}

/**
 * after forward(net, x, B, ws): accumulates (+=) the gradient of the summed cross-entropy × scale
 * into `grads` (a Network of the same sizes used as gradient storage) and returns the summed loss.
 */
export function backward(
  net: Network, grads: Network, x: Float32Array, targets: ArrayLike<number>, B: number, ws: Workspace, options: BackwardOptions,
): number {
  const L = net.layers.length;
  const K = net.sizes[L];
  const smoothing = options.labelSmoothing ?? 0;
  const loss = crossEntropyForward(ws.probs, targets, B, K, smoothing);
  softmaxCrossEntropyBackward(ws.grads[L - 1], ws.probs, targets, B, K, options.scale, smoothing);
  for (let l = L - 1; l >= 0; l--) {
    const { weight, inSize, outSize, conv } = net.layers[l];
    const inp = l === 0 ? x : ws.acts[l - 1];
    const dinp = l === 0 ? null : ws.grads[l - 1];
    // a hidden layer's input is a ReLU output: its gradient is 0 wherever that output is (reluBackward below)
    if (conv) conv2dBackward(dinp, grads.layers[l].weight, grads.layers[l].bias, ws.grads[l], inp, weight, B, conv, l > 0);
    else linearBackward(dinp, grads.layers[l].weight, grads.layers[l].bias, ws.grads[l], inp, weight, B, inSize, outSize);
    if (dinp !== null) reluBackward(dinp, dinp, ws.acts[l - 1], B * inSize);
  }
  return loss;
}
