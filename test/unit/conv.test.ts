import { describe, expect, it } from 'vitest';
import { conv2dBackward, conv2dForward, convOutSide, type ConvShape } from '../../shared/model/kernels/conv2d';
import { createRng } from '../../shared/rng';
import { conv2dReference } from './conv-reference';
import { expectClose } from './reference';

// the conv kernels against the definition in float64 (conv-reference.ts), on the shapes the trainer
// uses (3×3 stride 2, no padding) and on others (padding, stride 1, 5×5, several input channels).

const rng = createRng(7);
const sparse = (n: number, zeros = 0.6) => Float32Array.from({ length: n }, () => (rng.uniform() < zeros ? 0 : rng.uniform() * 2 - 1));

function shape(side: number, IC: number, OC: number, kernel: number, stride: number, pad: number): ConvShape {
  const O = convOutSide(side, kernel, stride, pad);
  return { H: side, W: side, IC, OH: O, OW: O, OC, KH: kernel, KW: kernel, stride, pad };
}

const SHAPES: [string, ConvShape][] = [
  ['3×3 stride 2 over a 28×28 image, 16 channels (the first layer of conv16s2)', shape(28, 1, 16, 3, 2, 0)],
  ['3×3 stride 2 over 13×13×16, 32 channels (the second)', shape(13, 16, 32, 3, 2, 0)],
  ['3×3 stride 1 padded by 1 over 9×9×3', shape(9, 3, 5, 3, 1, 1)],
  ['5×5 stride 2 padded by 2 over 11×11×2', shape(11, 2, 4, 5, 2, 2)],
];

/** the gradients by the definition: each output's dout times the input and weight it multiplied */
function referenceBackward(dout: ArrayLike<number>, inp: ArrayLike<number>, weight: ArrayLike<number>, B: number, s: ConvShape) {
  const { H, W, IC, OH, OW, OC, KH, KW, stride, pad } = s;
  const dinp = new Float64Array(B * H * W * IC), dw = new Float64Array(KH * KW * IC * OC), db = new Float64Array(OC);
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < OH; oy++)
      for (let ox = 0; ox < OW; ox++)
        for (let oc = 0; oc < OC; oc++) {
          const g = dout[((b * OH + oy) * OW + ox) * OC + oc];
          db[oc] += g;
          for (let ky = 0; ky < KH; ky++)
            for (let kx = 0; kx < KW; kx++) {
              const y = oy * stride + ky - pad, x = ox * stride + kx - pad;
              if (y < 0 || y >= H || x < 0 || x >= W) continue;
              for (let ic = 0; ic < IC; ic++) {
                const i = ((b * H + y) * W + x) * IC + ic, w = ((ky * KW + kx) * IC + ic) * OC + oc;
                dinp[i] += g * weight[w];
                dw[w] += g * inp[i];
              }
            }
        }
  return { dinp, dw, db };
}

describe('conv2d kernels', () => {
  for (const [name, s] of SHAPES) {
    const B = 3;
    const IN = s.H * s.W * s.IC, OUT = s.OH * s.OW * s.OC, P = s.KH * s.KW * s.IC * s.OC;
    const inp = sparse(B * IN), weight = sparse(P, 0), bias = sparse(s.OC, 0);

    it(`forward matches the float64 definition: ${name}`, () => {
      const out = new Float32Array(B * OUT).fill(NaN); // every output is written, none read before
      conv2dForward(out, inp, weight, bias, B, s);
      expectClose(out, conv2dReference(inp, weight, bias, B, s), 1e-5, 1e-5);
    });

    it(`backward matches the float64 definition and accumulates into the weight gradient: ${name}`, () => {
      const dout = sparse(B * OUT, 0.3);
      const dinp = new Float32Array(B * IN).fill(NaN), dw = new Float32Array(P).fill(0.5), db = new Float32Array(s.OC).fill(-1);
      conv2dBackward(dinp, dw, db, dout, inp, weight, B, s);
      const ref = referenceBackward(dout, inp, weight, B, s);
      expectClose(dinp, ref.dinp, 1e-5, 1e-5);
      expectClose(dw, ref.dw.map((v) => v + 0.5), 1e-5, 1e-5);
      expectClose(db, ref.db.map((v) => v - 1), 1e-5, 1e-5);
    });
  }

  it('skips the input gradient when asked (the first layer), with the same weight gradient', () => {
    const s = SHAPES[0][1], B = 2;
    const inp = sparse(B * s.H * s.W * s.IC), weight = sparse(s.KH * s.KW * s.IC * s.OC, 0), dout = sparse(B * s.OH * s.OW * s.OC, 0.3);
    const a = new Float32Array(weight.length), b = new Float32Array(weight.length);
    conv2dBackward(new Float32Array(inp.length), a, new Float32Array(s.OC), dout, inp, weight, B, s);
    conv2dBackward(null, b, new Float32Array(s.OC), dout, inp, weight, B, s);
    expect(b).toEqual(a);
  });

  it('writes 0 without computing it for the input gradient where a ReLU input is 0, and the same everywhere else', () => {
    const s = SHAPES[1][1], B = 2;
    const inp = sparse(B * s.H * s.W * s.IC).map(Math.abs), weight = sparse(s.KH * s.KW * s.IC * s.OC, 0), dout = sparse(B * s.OH * s.OW * s.OC, 0.3);
    const all = new Float32Array(inp.length), relu = new Float32Array(inp.length).fill(NaN);
    conv2dBackward(all, new Float32Array(weight.length), new Float32Array(s.OC), dout, inp, weight, B, s);
    conv2dBackward(relu, new Float32Array(weight.length), new Float32Array(s.OC), dout, inp, weight, B, s, true);
    expect(relu).toEqual(all.map((g, i) => (inp[i] === 0 ? 0 : g)));
    expect(all.some((g, i) => inp[i] === 0 && g !== 0)).toBe(true);
  });

  it('gives 13×13 then 6×6 for 3×3 stride 2 without padding on 28×28, as PyTorch does', () => {
    expect(convOutSide(28, 3, 2, 0)).toBe(13);
    expect(convOutSide(13, 3, 2, 0)).toBe(6);
  });
});
