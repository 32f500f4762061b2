import { describe, expect, it } from 'vitest';
import { D, IMAGE_SIDE } from '../../shared/dims';
import { LINE_ROWS, type LineImage } from '../../shared/image/line';
import { createWorkspace, forward } from '../../shared/model/forward';
import { ctcLoss } from '../../shared/model/kernels/ctc';
import { lineForwardRead } from '../../shared/model/line-fold';
import { createLineWorkspace, frameCentre, inkedCells, LINE_PAD, lineForward, lineGeometry } from '../../shared/model/line-frames';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { lineColumns } from '../../shared/model/read-cost';
import { LINE_CLASSES } from '../../shared/model/line-reader';
import { createNetwork, initHe, type Network } from '../../shared/model/network';
import { createRng } from '../../shared/rng';
import { lineBackward, lineLogitGradient } from '../../shared/train/line-backward';
import { readerNetwork } from '../../scripts/reader/train';

// the line reader's network over a whole line (shared/model/line-frames.ts) and its backward
// (shared/train/line-backward.ts): frames are the window network's answers, the gradient is the loss's;
// reading folds blank paper out of the work (shared/model/line-fold.ts) and answers the same frames.

const SCALE = 1 / 255;

/** a line `width` columns wide, inked at random (share `density`) in columns [from, to) only */
function randomLine(width: number, from: number, to: number, seed: number, density = 0.4): LineImage {
  const rng = createRng(seed);
  const pixels = new Float32Array(LINE_ROWS * width);
  for (let y = 0; y < LINE_ROWS; y++) for (let x = from; x < to; x++) if (rng.uniform() < density) pixels[y * width + x] = 255 * rng.uniform();
  return { pixels, width, scale: 1, left: 0 };
}

/** a small reader with its dense layers' biases set, its convolutions' left at 0 (see below) */
function smallReader(seed: number): Network {
  const net = readerNetwork([4, 8], [16]);
  const rng = createRng(seed);
  initHe(net, rng);
  for (const layer of net.layers) if (!layer.conv) for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = 0.1 * rng.normal();
  return net;
}

describe('a line reader reading a line', () => {
  it('has a frame every 4 columns (two stride-2 convolutions) centred on column 4t, shifted left by the phase', () => {
    const net = smallReader(1);
    const g = lineGeometry(net, 100);
    expect(g.stride).toBe(4);
    expect(g.span).toBe(7); // a 28-column window's columns after two stride-2 convolutions
    expect(g.features).toBe(net.sizes[2]);
    expect(g.T).toBe(26); // centres 0, 4, …, 100: the line and its padding
    expect([0, 5, 25].map((t) => frameCentre(g, t))).toEqual([0, 20, 100]);
    expect(frameCentre(lineGeometry(net, 100, 3), 5)).toBe(17);
  });

  it('answers for each frame what the network answers for the 28×28 window centred there', () => {
    // equal wherever the window sees all the ink near it: past its own edges a lone window sees the
    // zeros of padding, the line its convolutions' outputs there, which are 0 too over blank paper
    // when their biases are 0 (they are not in a trained reader: frames then differ near the ink's edges)
    const net = smallReader(2);
    const line = randomLine(80, 30, 46, 3);
    const { probs, geometry } = lineForward(net, line, SCALE, createLineWorkspace());
    const ws = createWorkspace(net.sizes, 1);
    let compared = 0;
    for (let t = 0; t < geometry.T; t++) {
      const first = frameCentre(geometry, t) - IMAGE_SIDE / 2;
      if (first > 30 - 2 || first + IMAGE_SIDE < 46 + 2) continue;
      const window = new Float32Array(D);
      for (let y = 0; y < LINE_ROWS; y++) for (let c = 0; c < IMAGE_SIDE; c++) window[y * IMAGE_SIDE + c] = line.pixels[y * line.width + first + c] * SCALE;
      const alone = forward(net, window, 1, ws);
      for (let k = 0; k < LINE_CLASSES; k++) expect(probs[t * LINE_CLASSES + k]).toBeCloseTo(alone[k], 5);
      compared++;
    }
    expect(compared).toBe(2); // the windows starting at columns 22 and 26 (frame centres 36 and 40)
  });

  it('pads the line with LINE_PAD empty columns: a frame centred on each end exists', () => {
    const net = smallReader(3);
    const g = lineForward(net, randomLine(37, 0, 37, 4), SCALE, createLineWorkspace()).geometry;
    expect(LINE_PAD).toBe(IMAGE_SIDE / 2);
    expect(frameCentre(g, 0)).toBeLessThanOrEqual(0);
    expect(frameCentre(g, g.T - 1)).toBeGreaterThanOrEqual(36 - 3);
  });

  it('reads lines of any width with one workspace, the same frames as a fresh one', () => {
    const net = smallReader(4);
    const ws = createLineWorkspace();
    const wide = randomLine(300, 0, 300, 5);
    const narrow = randomLine(40, 0, 40, 6);
    lineForward(net, wide, SCALE, ws);
    const again = lineForward(net, narrow, SCALE, ws).probs.slice();
    expect(Array.from(again)).toEqual(Array.from(lineForward(net, narrow, SCALE, createLineWorkspace()).probs));
  });
});

describe('the line reader\'s backward', () => {
  it('gives every layer the gradient of the CTC loss (directional finite differences)', () => {
    const net = smallReader(7);
    for (const layer of net.layers) for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = 0.05 * (i % 3) - 0.02;
    const line = randomLine(60, 4, 56, 8);
    const label = [3, 3, 7];
    const ws = createLineWorkspace();
    const lossAt = () => {
      const { probs, geometry } = lineForward(net, line, SCALE, ws, 1);
      return ctcLoss(new Float32Array(geometry.T * LINE_CLASSES), probs, geometry.T, LINE_CLASSES, label, 1);
    };
    const grads = createNetwork(net.sizes, undefined, net.kinds);
    const { probs, geometry } = lineForward(net, line, SCALE, ws, 1);
    ctcLoss(lineLogitGradient(net, ws, geometry), probs, geometry.T, LINE_CLASSES, label, 1);
    lineBackward(net, grads, ws, geometry);
    const rng = createRng(9);
    net.layers.forEach((layer, l) => {
      for (const [param, grad] of [[layer.weight, grads.layers[l].weight], [layer.bias, grads.layers[l].bias]] as const) {
        // along a random direction v: (loss(p + εv) − loss(p − εv)) / 2ε = grad · v
        const v = Float32Array.from(param, () => rng.normal());
        const norm = Math.hypot(...v);
        const eps = 1e-3 / norm;
        let expected = 0;
        for (let i = 0; i < v.length; i++) expected += grad[i] * v[i];
        const saved = param.slice();
        for (let i = 0; i < v.length; i++) param[i] = saved[i] + eps * v[i];
        const up = lossAt();
        for (let i = 0; i < v.length; i++) param[i] = saved[i] - eps * v[i];
        const down = lossAt();
        param.set(saved);
        const numeric = (up - down) / (2 * eps);
        expect(Math.abs(numeric - expected), `layer ${l} ${param === layer.weight ? 'weight' : 'bias'}: ${numeric} vs ${expected}`).toBeLessThan(0.03 * Math.max(1e-3, Math.abs(numeric)) + 1e-3);
      }
    });
  });
});

/** a reader whose every bias is set, as a trained one's are: its convolutions then answer blank paper with non-zero outputs */
function biasedReader(seed: number, channels = [8, 16]): Network {
  const net = readerNetwork(channels, [24]);
  const rng = createRng(seed);
  initHe(net, rng);
  for (const layer of net.layers) for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = 0.1 * rng.normal() + (layer.conv ? 0.05 : 0);
  return net;
}

const lines: [string, LineImage][] = [
  ['inked in its middle', randomLine(90, 30, 60, 1)],
  ['inked end to end', randomLine(60, 0, 60, 2, 1)],
  ['empty', randomLine(40, 0, 0, 3)],
  ['one column wide', randomLine(1, 0, 1, 4, 1)],
  ['sparse dots', randomLine(120, 0, 120, 5, 0.01)],
];

describe('reading a line with blank paper folded', () => {
  it('answers the frames training reads, within float32 rounding, at every phase, with one convolution or two', () => {
    for (const net of [biasedReader(1), biasedReader(11, [8])]) {
      const [train, read] = [createLineWorkspace(), createLineWorkspace()];
      for (const [, l] of lines) {
        for (let phase = 0; phase < 4; phase++) {
          const expected = lineForward(net, l, SCALE, train, phase).probs.slice();
          const got = lineForwardRead(net, l, SCALE, read, phase).probs;
          expect(got.length).toBe(expected.length);
          for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-5);
        }
      }
    }
  });

  it('reads the bundled reader\'s blank paper as one input a frame, its second convolution\'s as none', async () => {
    const { network, inputScale } = await bundledLineReader();
    const ws = createLineWorkspace();
    const empty = randomLine(50, 0, 0, 6);
    const { geometry: g } = lineForwardRead(network, empty, inputScale, ws);
    const conv1 = g.convs[1];
    expect(ws.folded.subarray(0, conv1.H * conv1.W * (conv1.IC + 1)).every((v) => v === 0)).toBe(true);
    const FA = g.features + g.convs[1].OH * g.span + 1;
    const perFrame = Array.from({ length: g.T }, (_, t) => ws.frames.subarray(t * FA, (t + 1) * FA).filter((v) => v !== 0).length);
    // the frames reaching the padding's edges read its cells there, which zero padding makes differ from blank paper's
    expect(perFrame.filter((n) => n === 1).length).toBeGreaterThanOrEqual(g.T - 4);
    // and unfolded, blank paper is not zeros: every frame would read all its inputs
    const unfolded = createLineWorkspace();
    lineForward(network, empty, inputScale, unfolded);
    expect(unfolded.frames.subarray(0, g.features).filter((v) => v !== 0).length).toBeGreaterThan(0.9 * g.features);
  });

  it('counts for the budget every cell the fold reads as inked, at any phase', () => {
    const net = biasedReader(2);
    const ws = createLineWorkspace();
    for (const [name, l] of lines) {
      const counted = inkedCells(net, l);
      for (let phase = 0; phase < 4; phase++) {
        const g = lineForwardRead(net, l, SCALE, ws, phase).geometry;
        const { OH, OW } = g.convs[g.convs.length - 1];
        const inked = ws.blank.subarray(0, OH * OW).filter((b) => b === 0).length;
        // cells that read the padding's edges differ from blank paper's with no ink in sight: at most 2 a row at each end
        expect(inked, `${name}, phase ${phase}`).toBeLessThanOrEqual(counted + 4 * OH);
      }
    }
    expect(inkedCells(net, randomLine(40, 0, 0, 7))).toBe(0);
    const full = randomLine(60, 0, 60, 8, 1);
    const { OH, OW } = lineGeometry(net, 60).convs[1];
    expect(inkedCells(net, full)).toBeGreaterThan(0.75 * OH * OW);
    // one dot inks the cells around it only: 2 rows of cells see it, each 2 or 3 of them at some phase
    const dot = randomLine(100, 0, 0, 9);
    dot.pixels[14 * 100 + 50] = 255;
    expect(inkedCells(net, dot)).toBeGreaterThan(0);
    expect(inkedCells(net, dot)).toBeLessThanOrEqual(2 * 3);
  });

  it('charges a line for its columns and, ~4× more, for its inked cells', () => {
    expect(lineColumns(100, 0)).toBeLessThan(lineColumns(100, 50));
    expect(lineColumns(100, 50)).toBeLessThan(lineColumns(120, 50));
    expect(lineColumns(0, 1) / lineColumns(1, 0)).toBeGreaterThan(3);
  });
});
