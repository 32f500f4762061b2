import { ImageError } from '../decoded';
import { badJpeg, unsupportedJpeg, type JpegLimits } from './errors';
import type { HuffmanTable } from './huffman';

// the frame header (SOF): size, components and their sampling, checked against the limits before
// anything the size implies is allocated.

export interface Component {
  id: number;
  /** horizontal and vertical sampling factors (1..4) */
  h: number;
  v: number;
  /** quantization table slot (0..3) */
  tq: number;
  /** blocks a row and a column in the MCU-padded grid (what interleaved scans walk) */
  blocksPerLine: number;
  blocksPerColumn: number;
  /** blocks a row and a column that hold pixels (what a scan of this component alone walks) */
  blocksWide: number;
  blocksHigh: number;
  /** the DC prediction, reset at each scan and restart */
  pred: number;
  dc: HuffmanTable | null;
  ac: HuffmanTable | null;
}

export interface Frame {
  width: number;
  height: number;
  progressive: boolean;
  components: Component[];
  /** MCUs a row and a column */
  mcusX: number;
  mcusY: number;
}

/** sequential (SOF0, SOF1) and progressive (SOF2) huffman frames; the other SOFs are refused */
export function isSupportedSof(marker: number): boolean {
  return marker === 0xc0 || marker === 0xc1 || marker === 0xc2;
}

const SOF_NAMES: Record<number, string> = {
  0xc3: 'lossless', 0xc5: 'hierarchical', 0xc6: 'hierarchical progressive', 0xc7: 'hierarchical lossless',
  0xc9: 'arithmetic-coded', 0xca: 'arithmetic-coded progressive', 0xcb: 'arithmetic-coded lossless',
  0xcd: 'arithmetic-coded hierarchical', 0xce: 'arithmetic-coded hierarchical progressive', 0xcf: 'arithmetic-coded hierarchical lossless',
};

export function refuseSof(marker: number): ImageError {
  return unsupportedJpeg(`this is a ${SOF_NAMES[marker] ?? 'rare'} JPEG, which this decoder does not read`);
}

export function parseFrame(seg: Uint8Array, marker: number, limits: JpegLimits): Frame {
  if (seg.length < 6) throw badJpeg('the frame header is too short');
  const precision = seg[0];
  const height = (seg[1] << 8) | seg[2];
  const width = (seg[3] << 8) | seg[4];
  const n = seg[5];
  if (width === 0 || height === 0) {
    if (width === 0) throw badJpeg('the frame header says the image is 0 pixels wide');
    throw unsupportedJpeg('the frame header leaves the height to a DNL marker');
  }
  if (width * height > limits.maxPixels) {
    throw new ImageError(
      'image_too_large',
      `the JPEG is ${width}×${height} (${(width * height / 1e6).toFixed(1)} megapixels) but the limit is ${limits.maxPixels} pixels ` +
        `(e.g. ${Math.floor(Math.sqrt((limits.maxPixels * 4) / 3))}×${Math.floor(Math.sqrt((limits.maxPixels * 3) / 4))}); ` +
        'scale it down (a digit needs only a few hundred pixels) or crop it to the digit and try again',
      413,
    );
  }
  if (precision !== 8) throw unsupportedJpeg(`the JPEG has ${precision}-bit samples (only 8-bit is read)`);
  if (n === 4) throw unsupportedJpeg('the JPEG has four colour components (CMYK or YCCK, as print workflows make them)');
  if (n !== 1 && n !== 3) throw unsupportedJpeg(`the JPEG has ${n} colour components (1 or 3 are read)`);
  if (seg.length < 6 + 3 * n) throw badJpeg('the frame header is too short for its components');
  const components: Component[] = [];
  let hmax = 1, vmax = 1, blocksInMcu = 0;
  for (let i = 0; i < n; i++) {
    const id = seg[6 + 3 * i], hv = seg[7 + 3 * i], tq = seg[8 + 3 * i];
    const h = hv >> 4, v = hv & 15;
    if (h < 1 || h > 4 || v < 1 || v > 4) throw badJpeg(`component ${id} has sampling factors ${h}×${v} (1..4 allowed)`);
    if (tq > 3) throw badJpeg(`component ${id} names quantization table ${tq} (0..3 allowed)`);
    if (components.some((c) => c.id === id)) throw badJpeg(`two components have the id ${id}`);
    hmax = Math.max(hmax, h);
    vmax = Math.max(vmax, v);
    blocksInMcu += h * v;
    components.push({ id, h, v, tq, blocksPerLine: 0, blocksPerColumn: 0, blocksWide: 0, blocksHigh: 0, pred: 0, dc: null, ac: null });
  }
  if (n > 1 && blocksInMcu > 10) throw badJpeg(`the sampling factors make ${blocksInMcu} blocks an MCU (at most 10 allowed)`);
  // luminance is all that is read, at the full size: a file whose first component is subsampled is not one any camera writes
  if (components[0].h !== hmax || components[0].v !== vmax) throw unsupportedJpeg('the luminance component is subsampled');
  const mcusX = n === 1 ? Math.ceil(width / 8) : Math.ceil(width / (8 * hmax));
  const mcusY = n === 1 ? Math.ceil(height / 8) : Math.ceil(height / (8 * vmax));
  for (const c of components) {
    c.blocksPerLine = n === 1 ? mcusX : mcusX * c.h;
    c.blocksPerColumn = n === 1 ? mcusY : mcusY * c.v;
    c.blocksWide = Math.ceil(Math.ceil((width * c.h) / hmax) / 8);
    c.blocksHigh = Math.ceil(Math.ceil((height * c.v) / vmax) / 8);
  }
  return { width, height, progressive: marker === 0xc2, components, mcusX, mcusY };
}
