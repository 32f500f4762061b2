import { describe, expect, it } from 'vitest';
import { LINE_ROWS, type LineImage } from '../../shared/image/line';
import { lineForwardRead } from '../../shared/model/line-fold';
import { createLineWorkspace, inkedCells, lineForward, lineGeometry } from '../../shared/model/line-frames';
import { bundledLineReader } from '../../shared/model/line-reader-bundled';
import { initHe, type Network } from '../../shared/model/network';
import { lineColumns } from '../../shared/model/read-cost';
import { createRng } from '../../shared/rng';
import { readerNetwork } from '../../scripts/reader/train';

// reading a line with blank paper folded out of the work (shared/model/line-fold.ts): the frames
// training reads (lineForward), and what the budget charges for them (line-frames.ts inkedCells).

const SCALE = 1 / 255;

/** a line `width` columns wide, inked at random (share `density`) in columns [from, to) only */
function line(width: number, from: number, to: number, seed: number, density = 0.3): LineImage {
  const rng = createRng(seed);
  const pixels = new Float32Array(LINE_ROWS * width);
  for (let y = 0; y < LINE_ROWS; y++) for (let x = from; x < to; x++) if (rng.uniform() < density) pixels[y * width + x] = 255 * rng.uniform();
  return { pixels, width, scale: 1, left: 0 };
}

/** a reader whose every bias is set, as a trained one's are: its convolutions then answer blank paper with non-zero outputs */
function biasedReader(seed: number): Network {
  const net = readerNetwork([8, 16], [24]);
  const rng = createRng(seed);
  initHe(net, rng);
  for (const layer of net.layers) for (let i = 0; i < layer.bias.length; i++) layer.bias[i] = 0.1 * rng.normal() + (layer.conv ? 0.05 : 0);
  return net;
}

const lines: [string, LineImage][] = [
  ['inked in its middle', line(90, 30, 60, 1)],
  ['inked end to end', line(60, 0, 60, 2, 1)],
  ['empty', line(40, 0, 0, 3)],
  ['one column wide', line(1, 0, 1, 4, 1)],
  ['sparse dots', line(120, 0, 120, 5, 0.01)],
];

describe('reading a line with blank paper folded', () => {
  it('answers the frames training reads, within float32 rounding, at every phase', () => {
    const net = biasedReader(1);
    const [train, read] = [createLineWorkspace(), createLineWorkspace()];
    for (const [, l] of lines) {
      for (let phase = 0; phase < 4; phase++) {
        const expected = lineForward(net, l, SCALE, train, phase).probs.slice();
        const got = lineForwardRead(net, l, SCALE, read, phase).probs;
        expect(got.length).toBe(expected.length);
        for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - expected[i])).toBeLessThan(1e-5);
      }
    }
  });

  it('reads the bundled reader\'s blank paper as one input a frame, its second convolution\'s as none', async () => {
    const { network, inputScale } = await bundledLineReader();
    const ws = createLineWorkspace();
    const empty = line(50, 0, 0, 6);
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
    expect(inkedCells(net, line(40, 0, 0, 7))).toBe(0);
    const full = line(60, 0, 60, 8, 1);
    const { OH, OW } = lineGeometry(net, 60).convs[1];
    expect(inkedCells(net, full)).toBeGreaterThan(0.75 * OH * OW);
    // one dot inks the cells around it only: 2 rows of cells see it, each 2 or 3 of them at some phase
    const dot = line(100, 0, 0, 9);
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
