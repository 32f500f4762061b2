import type { DecodedImage } from '../decoded';

// EXIF orientation: phones store the sensor's pixels and a tag saying how to turn them upright.
// only IFD0's Orientation (0x0112) is read; an EXIF block that is malformed is ignored (the pixels
// are still good), never a reason to refuse the photo.

/** the Orientation tag of an APP1 segment's payload, 1 (as stored) when absent or unreadable */
export function exifOrientation(seg: Uint8Array): number {
  // "Exif\0\0" then a TIFF header
  if (seg.length < 14 || seg[0] !== 0x45 || seg[1] !== 0x78 || seg[2] !== 0x69 || seg[3] !== 0x66 || seg[4] !== 0 || seg[5] !== 0) return 1;
  const t = 6;
  const little = seg[t] === 0x49 && seg[t + 1] === 0x49;
  if (!little && !(seg[t] === 0x4d && seg[t + 1] === 0x4d)) return 1;
  const u16 = (o: number) => (little ? seg[o] | (seg[o + 1] << 8) : (seg[o] << 8) | seg[o + 1]);
  const u32 = (o: number) => (little ? u16(o) + u16(o + 2) * 65536 : u16(o) * 65536 + u16(o + 2));
  if (u16(t + 2) !== 42) return 1;
  const ifd = t + u32(t + 4);
  if (ifd + 2 > seg.length) return 1;
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const e = ifd + 2 + i * 12;
    if (e + 12 > seg.length) return 1;
    if (u16(e) === 0x0112) {
      const value = u16(e + 8); // a SHORT, stored in the first two bytes of the value field
      return u16(e + 2) === 3 && value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

/** whether the orientation swaps width and height (the four that turn by a quarter) */
export const swapsSides = (orientation: number): boolean => orientation >= 5;

/** the image turned upright as EXIF orientation 1..8 says (the stored pixels are (height, width)) */
export function orient(img: DecodedImage, orientation: number): DecodedImage {
  if (orientation <= 1 || orientation > 8) return img;
  const { width: W, height: H, gray: src } = img;
  const swap = swapsSides(orientation);
  const w = swap ? H : W, h = swap ? W : H;
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // the stored pixel (sx, sy) shown at (x, y)
      let sx: number, sy: number;
      switch (orientation) {
        case 2: sx = W - 1 - x; sy = y; break; // mirrored left to right
        case 3: sx = W - 1 - x; sy = H - 1 - y; break; // turned half way
        case 4: sx = x; sy = H - 1 - y; break; // mirrored top to bottom
        case 5: sx = y; sy = x; break; // transposed
        case 6: sx = y; sy = H - 1 - x; break; // stored turned a quarter left: shown turned right
        case 7: sx = W - 1 - y; sy = H - 1 - x; break; // transversed
        default: sx = W - 1 - y; sy = x; break; // 8: stored turned a quarter right: shown turned left
      }
      out[y * w + x] = src[sy * W + sx];
    }
  }
  return { width: w, height: h, gray: out, alpha: null };
}
