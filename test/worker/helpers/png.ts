// a minimal png encoder for tests inside workerd (no node:zlib there): 8-bit gray or
// gray+alpha, filter 0, zlib through CompressionStream. the decoder's own crc is fine here:
// test/unit/png.test.ts checks it against node:zlib's.
import { crc32 } from '../../../shared/image/png';

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function deflate(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** gray: (height, width) 0..255; alpha: same shape 0..255 or omitted */
export async function encodePng(width: number, height: number, gray: ArrayLike<number>, alpha?: ArrayLike<number>): Promise<Uint8Array> {
  const channels = alpha ? 2 : 1;
  const raw = new Uint8Array(height * (1 + width * channels));
  for (let y = 0; y < height; y++) {
    const row = y * (1 + width * channels);
    for (let x = 0; x < width; x++) {
      raw[row + 1 + x * channels] = gray[y * width + x];
      if (alpha) raw[row + 2 + x * channels] = alpha[y * width + x];
    }
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, alpha ? 4 : 0, 0, 0, 0], 8);
  const parts = [Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10), chunk('IHDR', header), chunk('IDAT', await deflate(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
