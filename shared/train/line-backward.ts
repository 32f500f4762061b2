import { conv2dBackward } from '../model/kernels/conv2d';
import { linearBackward } from '../model/kernels/linear';
import { reluBackward } from '../model/kernels/relu';
import { room, type LineGeometry, type LineWorkspace } from '../model/line-frames';
import type { Network } from '../model/network';

// the backward of lineForward (shared/model/line-frames.ts), layer by layer from the last: the dense
// layers per frame, each frame's gradient added back onto the stretch of the convolutions' output it
// read (overlapping frames sum), then the convolutions over the whole line.

/** where the loss writes its gradient wrt the logits (T, classes) of the line lineForward just read */
export function lineLogitGradient(net: Network, ws: LineWorkspace, g: LineGeometry): Float32Array {
  const L = net.layers.length;
  ws.grads[L - 1] = room(ws.grads[L - 1], g.T * net.sizes[L]);
  return ws.grads[L - 1].subarray(0, g.T * net.sizes[L]);
}

/** accumulates (+=) every parameter's gradient into `grads` (a Network of the same shape), after lineForward and the loss */
export function lineBackward(net: Network, grads: Network, ws: LineWorkspace, g: LineGeometry): void {
  const { convs, span, features: F, T } = g;
  const n = convs.length, L = net.layers.length;
  for (let l = L - 1; l >= n; l--) {
    const { weight, inSize, outSize } = net.layers[l];
    const inp = l === n ? ws.frames : ws.acts[l - 1];
    const dinp = l === n ? (ws.dframes = room(ws.dframes, T * F)) : (ws.grads[l - 1] = room(ws.grads[l - 1], T * inSize));
    linearBackward(dinp, grads.layers[l].weight, grads.layers[l].bias, ws.grads[l], inp, weight, T, inSize, outSize);
    if (l > n) reluBackward(dinp, dinp, inp, T * inSize);
  }
  const { OH, OW, OC } = convs[n - 1];
  const N = OH * OW * OC;
  const dconv = (ws.grads[n - 1] = room(ws.grads[n - 1], N));
  dconv.fill(0, 0, N);
  const run = span * OC;
  for (let t = 0; t < T; t++) {
    for (let y = 0; y < OH; y++) {
      const src = t * F + y * run, dst = (y * OW + t) * OC;
      for (let k = 0; k < run; k++) dconv[dst + k] += ws.dframes[src + k];
    }
  }
  reluBackward(dconv, dconv, ws.acts[n - 1], N);
  for (let l = n - 1; l >= 0; l--) {
    const s = convs[l];
    const dinp = l === 0 ? null : (ws.grads[l - 1] = room(ws.grads[l - 1], s.H * s.W * s.IC));
    // a convolution's input past the first is a ReLU output: conv2dBackward zeroes its gradient where it is 0
    conv2dBackward(dinp, grads.layers[l].weight, grads.layers[l].bias, ws.grads[l], l === 0 ? ws.x : ws.acts[l - 1], net.layers[l].weight, 1, s, l > 0);
  }
}
