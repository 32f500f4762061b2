import { conv2dForward } from './kernels/conv2d';
import { linearForward } from './kernels/linear';
import { reluForward } from './kernels/relu';
import { softmaxForward } from './kernels/softmax';
import type { Network } from './network';

export type LinearKernel = typeof linearForward;

// the one forward pass: trainer, Worker and browser all call this.

/** per-batch buffers, allocated once and reused so the hot loop never allocates */
export interface Workspace {
  B: number; // batch capacity
  acts: Float32Array[]; // acts[l] (B, sizes[l+1]): layer l's output, after ReLU for hidden layers; the last is the logits
  grads: Float32Array[]; // same shapes as acts: gradients during backward
  probs: Float32Array; // (B, K)
}

export function createWorkspace(sizes: readonly number[], B: number): Workspace {
  const acts: Float32Array[] = [];
  const grads: Float32Array[] = [];
  for (let l = 1; l < sizes.length; l++) {
    acts.push(new Float32Array(B * sizes[l]));
    grads.push(new Float32Array(B * sizes[l]));
  }
  return { B, acts, grads, probs: new Float32Array(B * sizes[sizes.length - 1]) };
}

/**
 * probs (B, K) for inputs x (B, D) scaled to [0, 1]; B may be less than ws.B. the logits stay in
 * ws.acts[L-1]; probs are softmax(logits / temperature): 1 while training, the model file's
 * calibrated temperature when answering (format.ts temperatureOf).
 * returns a view of ws.probs: copy it if it must outlive the next call. `linear` is the dense kernel:
 * training uses linearForward (its numbers are what the reproducible rebuild pins); answering may pass
 * linearForwardBatched, the same product within float32 rounding, faster on batches.
 */
export function forward(net: Network, x: Float32Array, B: number, ws: Workspace, temperature = 1, linear: LinearKernel = linearForward): Float32Array {
  if (B > ws.B) throw new Error(`batch of ${B} exceeds the workspace's ${ws.B}`);
  const L = net.layers.length;
  let inp = x;
  for (let l = 0; l < L; l++) {
    const { weight, bias, inSize, outSize, conv } = net.layers[l];
    const out = ws.acts[l];
    if (conv) conv2dForward(out, inp, weight, bias, B, conv);
    else linear(out, inp, weight, bias, B, inSize, outSize);
    if (l < L - 1) reluForward(out, out, B * outSize);
    inp = out;
  }
  const K = net.sizes[L];
  softmaxForward(ws.probs, ws.acts[L - 1], B, K, temperature);
  return ws.probs.subarray(0, B * K);
}
