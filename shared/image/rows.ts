import type { DecodedImage } from './decoded';

// where the png decoder's rows go, one at a time: kept at full size, or box-averaged as they arrive
// so that a large image never exists at full size.

/** takes rows of (width) luminance 0..255 and alpha 0..1 (null when the image has none), in order */
export interface RowSink {
  row(y: number, gray: Float32Array, alpha: Float32Array | null): void;
  image(): DecodedImage;
}

/** every row kept: the image at full size */
export function fullSize(width: number, height: number, hasAlpha: boolean): RowSink {
  const gray = new Float32Array(width * height);
  const alpha = hasAlpha ? new Float32Array(width * height) : null;
  return {
    row(y, g, a) {
      gray.set(g, y * width);
      if (alpha) alpha.set(a!, y * width);
    },
    image: () => ({ width, height, gray, alpha }),
  };
}

/**
 * each factor×factor box of the image becomes one pixel (boxes on the right and bottom edges may be
 * smaller). alpha is the box's mean; luminance is weighted by alpha, so the colour of a half-transparent
 * box is the colour of its visible part and (luminance − background) × alpha, the ink preprocessing
 * sees, is the box's mean ink. a box with nothing visible keeps its plain mean luminance.
 */
export function boxReduced(width: number, height: number, factor: number, hasAlpha: boolean): RowSink {
  const W = Math.ceil(width / factor);
  const H = Math.ceil(height / factor);
  const gray = new Float32Array(W * H); // (H, W)
  const alpha = hasAlpha ? new Float32Array(W * H) : null;
  // sums over the band of rows being collected: Σ luminance, Σ alpha, Σ luminance × alpha (W)
  const sumGray = new Float64Array(W);
  const sumAlpha = new Float64Array(W);
  const sumGrayAlpha = new Float64Array(W);

  function flush(Y: number, rows: number): void {
    const o = Y * W;
    for (let X = 0; X < W; X++) {
      const n = rows * Math.min(factor, width - X * factor);
      if (alpha) {
        alpha[o + X] = sumAlpha[X] / n;
        gray[o + X] = sumAlpha[X] > 0 ? sumGrayAlpha[X] / sumAlpha[X] : sumGray[X] / n;
      } else {
        gray[o + X] = sumGray[X] / n;
      }
    }
    sumGray.fill(0);
    sumAlpha.fill(0);
    sumGrayAlpha.fill(0);
  }

  return {
    row(y, g, a) {
      for (let X = 0, x = 0; X < W; X++) {
        const end = Math.min(width, x + factor);
        let sg = 0, sa = 0, sga = 0;
        if (a) {
          for (; x < end; x++) {
            sg += g[x];
            sa += a[x];
            sga += g[x] * a[x];
          }
          sumAlpha[X] += sa;
          sumGrayAlpha[X] += sga;
        } else {
          for (; x < end; x++) sg += g[x];
        }
        sumGray[X] += sg;
      }
      const last = y === height - 1;
      if ((y + 1) % factor === 0 || last) flush(Math.floor(y / factor), y - Math.floor(y / factor) * factor + 1);
    },
    image: () => ({ width: W, height: H, gray, alpha }),
  };
}
