// a grayscale raster for building evaluation images: (height, width) values, row-major.
// coverage rasters hold 0..1 (1 = full ink); pictures hold luminance 0..255.

export interface Raster {
  width: number;
  height: number;
  data: Float32Array; // (height, width)
}

export function createRaster(width: number, height: number, fill = 0): Raster {
  return { width, height, data: new Float32Array(width * height).fill(fill) };
}

/** bilinear sample at (x, y), pixel centres at integers; 0 outside */
export function sampleBilinear(r: Raster, x: number, y: number): number {
  const x0 = Math.floor(x), y0 = Math.floor(y);
  if (x0 < -1 || y0 < -1 || x0 >= r.width || y0 >= r.height) return 0;
  const fx = x - x0, fy = y - y0;
  const w = r.width, d = r.data;
  // no closure here: this runs hundreds of thousands of times per picture
  const inX0 = x0 >= 0, inX1 = x0 + 1 < w, inY0 = y0 >= 0, inY1 = y0 + 1 < r.height;
  const a = inX0 && inY0 ? d[y0 * w + x0] : 0;
  const b = inX1 && inY0 ? d[y0 * w + x0 + 1] : 0;
  const c = inX0 && inY1 ? d[(y0 + 1) * w + x0] : 0;
  const e = inX1 && inY1 ? d[(y0 + 1) * w + x0 + 1] : 0;
  return (a * (1 - fx) + b * fx) * (1 - fy) + (c * (1 - fx) + e * fx) * fy;
}

/** separable gaussian blur, edges clamped; sigma <= 0 returns a copy */
export function gaussianBlur(r: Raster, sigma: number): Raster {
  const out = { width: r.width, height: r.height, data: r.data.slice() };
  if (sigma <= 0) return out;
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const kernel = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += kernel[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  const { width: w, height: h } = r;
  const tmp = new Float32Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++) v += kernel[k + radius] * r.data[y * w + Math.min(w - 1, Math.max(0, x + k))];
      tmp[y * w + x] = v;
    }
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v = 0;
      for (let k = -radius; k <= radius; k++) v += kernel[k + radius] * tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x];
      out.data[y * w + x] = v;
    }
  return out;
}

/** grayscale dilation ('max', thicker ink) or erosion ('min', thinner ink) with a disc of `radius` pixels */
export function morph(r: Raster, radius: number, op: 'max' | 'min'): Raster {
  const out = { width: r.width, height: r.height, data: r.data.slice() };
  if (radius <= 0) return out;
  const reach = Math.ceil(radius);
  const offsets: [number, number][] = [];
  for (let dy = -reach; dy <= reach; dy++) for (let dx = -reach; dx <= reach; dx++) if (dx * dx + dy * dy <= radius * radius) offsets.push([dx, dy]);
  const { width: w, height: h } = r;
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      let v = r.data[y * w + x];
      for (const [dx, dy] of offsets) {
        const xx = x + dx, yy = y + dy;
        const n = xx < 0 || yy < 0 || xx >= w || yy >= h ? 0 : r.data[yy * w + xx];
        v = op === 'max' ? Math.max(v, n) : Math.min(v, n);
      }
      out.data[y * w + x] = v;
    }
  return out;
}

/** the smallest box holding every value above `threshold`, or null when there is none */
export function inkBox(r: Raster, threshold = 0.05): { left: number; top: number; right: number; bottom: number } | null {
  let left = r.width, top = r.height, right = -1, bottom = -1;
  for (let y = 0; y < r.height; y++)
    for (let x = 0; x < r.width; x++) {
      if (r.data[y * r.width + x] <= threshold) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  return right < 0 ? null : { left, top, right, bottom };
}

/** a copy of the ink's bounding box with `pad` empty pixels around it */
export function cropToInk(r: Raster, pad: number): Raster {
  const box = inkBox(r);
  if (!box) return r;
  const w = box.right - box.left + 1 + 2 * pad, h = box.bottom - box.top + 1 + 2 * pad;
  const out = createRaster(w, h);
  for (let y = box.top; y <= box.bottom; y++)
    for (let x = box.left; x <= box.right; x++) out.data[(y - box.top + pad) * w + x - box.left + pad] = r.data[y * r.width + x];
  return out;
}

/** area-average (shrinking) or bilinear (growing) resize, as a scanner or an image viewer would */
export function resize(r: Raster, width: number, height: number, mode: 'smooth' | 'nearest' = 'smooth'): Raster {
  const out = createRaster(width, height);
  const sx = r.width / width, sy = r.height / height;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let v: number;
      if (mode === 'nearest') v = r.data[Math.min(r.height - 1, Math.floor((y + 0.5) * sy)) * r.width + Math.min(r.width - 1, Math.floor((x + 0.5) * sx))];
      else if (sx <= 1 && sy <= 1) v = sampleClamped(r, (x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5);
      else v = areaMean(r, x * sx, y * sy, (x + 1) * sx, (y + 1) * sy);
      out.data[y * width + x] = v;
    }
  return out;
}

function sampleClamped(r: Raster, x: number, y: number): number {
  return sampleBilinear(r, Math.min(r.width - 1, Math.max(0, x)), Math.min(r.height - 1, Math.max(0, y)));
}

/** mean over the source rectangle [x0, x1) x [y0, y1), weighting partly covered pixels */
function areaMean(r: Raster, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0, weight = 0;
  for (let y = Math.floor(y0); y < Math.min(r.height, Math.ceil(y1)); y++) {
    const wy = Math.min(y1, y + 1) - Math.max(y0, y);
    for (let x = Math.floor(x0); x < Math.min(r.width, Math.ceil(x1)); x++) {
      const w = wy * (Math.min(x1, x + 1) - Math.max(x0, x));
      sum += w * r.data[y * r.width + x];
      weight += w;
    }
  }
  return weight > 0 ? sum / weight : 0;
}

/** draws a round-capped line of `radius` pixels from (x0, y0) to (x1, y1), anti-aliased, keeping the darker ink where lines cross */
export function drawSegment(r: Raster, x0: number, y0: number, x1: number, y1: number, radius: number): void {
  const left = Math.max(0, Math.floor(Math.min(x0, x1) - radius - 1)), right = Math.min(r.width - 1, Math.ceil(Math.max(x0, x1) + radius + 1));
  const top = Math.max(0, Math.floor(Math.min(y0, y1) - radius - 1)), bottom = Math.min(r.height - 1, Math.ceil(Math.max(y0, y1) + radius + 1));
  const dx = x1 - x0, dy = y1 - y0;
  const len2 = dx * dx + dy * dy;
  for (let y = top; y <= bottom; y++)
    for (let x = left; x <= right; x++) {
      const t = len2 > 0 ? Math.min(1, Math.max(0, ((x - x0) * dx + (y - y0) * dy) / len2)) : 0;
      const ex = x - (x0 + t * dx), ey = y - (y0 + t * dy);
      const dist = Math.sqrt(ex * ex + ey * ey);
      const cover = Math.min(1, Math.max(0, radius + 0.5 - dist));
      const i = y * r.width + x;
      if (cover > r.data[i]) r.data[i] = cover;
    }
}

/** draws a polyline [x0, y0, x1, y1, …] */
export function drawPolyline(r: Raster, points: readonly number[], radius: number): void {
  if (points.length === 2) drawSegment(r, points[0], points[1], points[0], points[1], radius);
  for (let k = 0; k + 3 < points.length; k += 2) drawSegment(r, points[k], points[k + 1], points[k + 2], points[k + 3], radius);
}
