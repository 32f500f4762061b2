import type { ConvShape } from '../../shared/model/kernels/conv2d';

// the convolution as its definition, output by output, in float64: what conv2d.ts must agree with.

export function conv2dReference(inp: ArrayLike<number>, weight: ArrayLike<number>, bias: ArrayLike<number>, B: number, s: ConvShape): Float64Array {
  const { H, W, IC, OH, OW, OC, KH, KW, stride, pad } = s;
  const out = new Float64Array(B * OH * OW * OC);
  for (let b = 0; b < B; b++) {
    for (let oy = 0; oy < OH; oy++) {
      for (let ox = 0; ox < OW; ox++) {
        for (let oc = 0; oc < OC; oc++) {
          let sum = bias[oc];
          for (let ky = 0; ky < KH; ky++) {
            for (let kx = 0; kx < KW; kx++) {
              const y = oy * stride + ky - pad, x = ox * stride + kx - pad;
              if (y < 0 || y >= H || x < 0 || x >= W) continue;
              for (let ic = 0; ic < IC; ic++) {
                sum += inp[((b * H + y) * W + x) * IC + ic] * weight[((ky * KW + kx) * IC + ic) * OC + oc];
              }
            }
          }
          out[((b * OH + oy) * OW + ox) * OC + oc] = sum;
        }
      }
    }
  }
  return out;
}
