// the JPEG fixtures for tests inside workerd (which has no file system): Vite inlines each as a
// data: URL at build time, and these turn them back into bytes.
import digitPhoto from '../../fixtures/jpegsuite/digit-photo.jpg?inline';
import digitPhotoLibjpeg from '../../fixtures/jpeg/digit-photo-libjpeg.png?inline';
import progressiveGray from '../../fixtures/jpegsuite/progressive-gray.jpg?inline';
import exif6 from '../../fixtures/jpegsuite/exif-orientation-6.jpg?inline';
import upright6 from '../../fixtures/jpeg/upright-6.jpg?inline';
import photo640 from '../../fixtures/jpeg/photo-640x480.jpg?inline';
import photo640Progressive from '../../fixtures/jpeg/photo-640x480-progressive.jpg?inline';
import number640 from '../../fixtures/jpeg/number-640x480.jpg?inline';
import number640Progressive from '../../fixtures/jpeg/number-640x480-progressive.jpg?inline';
import truncated from '../../fixtures/jpegsuite/x-truncated.jpg?inline';
import badHuffman from '../../fixtures/jpegsuite/x-bad-huffman.jpg?inline';
import garbageScan from '../../fixtures/jpegsuite/x-garbage-scan.jpg?inline';
import noSof from '../../fixtures/jpegsuite/x-no-sof.jpg?inline';
import zeroWidth from '../../fixtures/jpegsuite/x-zero-width.jpg?inline';
import hugeDims from '../../fixtures/jpegsuite/x-huge-dims.jpg?inline';
import arithmetic from '../../fixtures/jpegsuite/arithmetic.jpg?inline';
import cmyk from '../../fixtures/jpegsuite/cmyk-adobe.jpg?inline';
import { repeatScans } from '../../../scripts/lib/jpeg-bombs';

export function bytes(dataUrl: string): Uint8Array {
  const b64 = dataUrl.slice(dataUrl.indexOf(',') + 1);
  return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
}

export const JPEGS = {
  digitPhoto: bytes(digitPhoto),
  progressiveGray: bytes(progressiveGray),
  exif6: bytes(exif6),
  upright6: bytes(upright6),
  photo640: bytes(photo640),
  number640: bytes(number640),
  number640Progressive: bytes(number640Progressive),
  photo640Progressive: bytes(photo640Progressive),
};

/** each broken file of the corpus (x-many-scans is built by manyScans) and the two formats refused */
export const BROKEN: Record<string, { bytes: Uint8Array; status: number; code: string }> = {
  'x-truncated': { bytes: bytes(truncated), status: 400, code: 'bad_jpeg' },
  'x-bad-huffman': { bytes: bytes(badHuffman), status: 400, code: 'bad_jpeg' },
  'x-garbage-scan': { bytes: bytes(garbageScan), status: 400, code: 'bad_jpeg' },
  'x-no-sof': { bytes: bytes(noSof), status: 400, code: 'bad_jpeg' },
  'x-zero-width': { bytes: bytes(zeroWidth), status: 400, code: 'bad_jpeg' },
  'x-huge-dims': { bytes: bytes(hugeDims), status: 413, code: 'image_too_large' },
  arithmetic: { bytes: bytes(arithmetic), status: 422, code: 'unsupported_jpeg' },
  'cmyk-adobe': { bytes: bytes(cmyk), status: 422, code: 'unsupported_jpeg' },
};

/** libjpeg-turbo's decoding of digit-photo.jpg as an 8-bit gray PNG (test/fixtures/jpeg/libjpeg-png.ts) */
export const DIGIT_PHOTO_PNG = bytes(digitPhotoLibjpeg);

/** a progressive file whose scans repeat 500 times (the corpus's x-many-scans.jpg, 1.2 MB, is not committed) */
export const manyScans = (): Uint8Array => repeatScans(JPEGS.progressiveGray);
