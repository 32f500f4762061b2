import { z } from '@hono/zod-openapi';
import { D, IMAGE_SIDE, K, PIXEL_MAX } from '../shared/dims';
import { DOUBT_REASONS } from '../shared/model/uncertainty';

// the zod schemas that validate requests and describe responses in /openapi.json.
// error messages are predicates: validation.ts prefixes the field path, giving e.g.
// "pixels[5] = 300 is outside 0..255" or "pixels must have 784 values, got 783".

export const MAX_BATCH = 256;

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 20 ? value.slice(0, 20) + '…' : value)}`;
  if (typeof value === 'number') return String(value);
  return `a ${typeof value}`;
}

const lengthOf = (v: unknown) => (Array.isArray(v) ? v.length : 0);

/** zod-to-openapi drops .length(n) from arrays; state it for the document */
const exactly = (n: number) => ({ minItems: n, maxItems: n });

const Pixel = z
  .number({
    error: (iss) =>
      iss.input === undefined ? 'is required'
      : typeof iss.input === 'number' ? `is ${iss.input}, not a finite number`
      : `is not a number (got ${describe(iss.input)})`,
  })
  .min(0, { error: (iss) => `= ${String(iss.input)} is outside 0..${PIXEL_MAX}` })
  .max(PIXEL_MAX, { error: (iss) => `= ${String(iss.input)} is outside 0..${PIXEL_MAX}` });

const arrayError = (what: string) => (iss: { input?: unknown }) =>
  iss.input === undefined ? 'is required' : `must be ${what} (got ${describe(iss.input)})`;

const FlatPixels = z
  .array(Pixel, { error: arrayError(`an array of ${D} numbers or ${IMAGE_SIDE} arrays of ${IMAGE_SIDE}`) })
  .length(D, { error: (iss) => `must have ${D} values, got ${lengthOf(iss.input)}` })
  .openapi(exactly(D));

const Row = z
  .array(Pixel, { error: arrayError(`a row of ${IMAGE_SIDE} numbers`) })
  .length(IMAGE_SIDE, { error: (iss) => `must have ${IMAGE_SIDE} values, got ${lengthOf(iss.input)}` })
  .openapi(exactly(IMAGE_SIDE));

const GridPixels = z
  .array(Row, { error: arrayError(`${IMAGE_SIDE} rows of ${IMAGE_SIDE} numbers`) })
  .length(IMAGE_SIDE, { error: (iss) => `must have ${IMAGE_SIDE} rows, got ${lengthOf(iss.input)}` })
  .openapi(exactly(IMAGE_SIDE));

export const Pixels = z.union([FlatPixels, GridPixels]).openapi('Pixels', {
  description: `a ${IMAGE_SIDE}×${IMAGE_SIDE} grayscale image, 0 = background, ${PIXEL_MAX} = ink (MNIST polarity): either ${D} values row-major or ${IMAGE_SIDE} rows of ${IMAGE_SIDE}`,
});

const flag = (description: string) =>
  z.boolean({ error: (iss) => `must be true or false (got ${describe(iss.input)})` }).optional().openapi({ description });

const PREPROCESS_DOC = 'run the shared MNIST preprocessing (crop to the ink, scale to 20×20, centre by mass in 28×28); default false: the pixels are used as they are';

const objectError = (example: string) => (iss: { code?: string; input?: unknown; keys?: string[] }) =>
  iss.code === 'unrecognized_keys'
    ? `has unknown field${iss.keys!.length > 1 ? 's' : ''} ${iss.keys!.slice(0, 3).map((k) => JSON.stringify(k.length > 40 ? k.slice(0, 40) + '…' : k)).join(', ')}${iss.keys!.length > 3 ? ', …' : ''}`
    : `must be a JSON object like ${example} (got ${describe(iss.input)})`;

export const ClassifyJson = z
  .strictObject(
    { pixels: Pixels, preprocess: flag(PREPROCESS_DOC), return_input: flag('also answer the 784 pixels the model saw, as "preprocessed"') },
    { error: objectError('{"pixels": [784 numbers]}') },
  )
  .openapi('ClassifyJson');

export const BatchJson = z
  .strictObject(
    {
      images: z
        .array(Pixels, { error: arrayError(`an array of 1..${MAX_BATCH} images`) })
        .min(1, { error: (iss) => `must have 1..${MAX_BATCH} images, got ${lengthOf(iss.input)}` })
        .max(MAX_BATCH, { error: (iss) => `must have 1..${MAX_BATCH} images, got ${lengthOf(iss.input)}` }),
      preprocess: flag(PREPROCESS_DOC),
    },
    { error: objectError('{"images": [[784 numbers], ...]}') },
  )
  .openapi('BatchJson');

export const ImageUpload = z
  .object(
    {
      image: z
        .file({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a file (got ${describe(iss.input)})`) })
        .openapi({ type: 'string', format: 'binary', description: 'a PNG image of one digit' }),
    },
    { error: () => 'must be a multipart/form-data body with an "image" file field' },
  )
  .openapi('ImageUpload');

const queryFlag = (description: string) =>
  z.enum(['true', 'false'], { error: (iss) => `must be true or false (got ${describe(iss.input)})` }).optional().openapi({ description });

export const ImageQuery = z.object({
  preprocess: queryFlag('image uploads only; default true. false uses a 28×28 image as it is (ink bright on dark)'),
  return_input: queryFlag('image uploads only; also answer the 784 pixels the model saw'),
});

export const PngBody = z.string().openapi({ type: 'string', format: 'binary', description: `a PNG of one digit, up to 1 MiB and 1024×1024 px` });

export const ModelRef = z.object({ version: z.string().openapi({ example: '3f2a9c0d1e4b5a67' }) }).openapi('ModelRef');

export const Prediction = z
  .object({
    digit: z.number().int().min(0).max(K - 1),
    confidence: z.number().min(0).max(1).openapi({ description: 'probability of `digit`, calibrated (temperature scaling) when the model file carries a temperature' }),
    probabilities: z.array(z.number()).length(K).openapi({ ...exactly(K), description: 'softmax output for digits 0..9' }),
    uncertain: z.boolean().openapi({
      description:
        'true when the answer should not be trusted: several marks side by side (a number, not one digit), an input unlike any digit ' +
        '(a solid blob, or what the model\'s own not-a-digit probe flags: letters, scribbles), or a calibrated confidence below 0.5',
    }),
    reason: z.enum(DOUBT_REASONS).nullable().openapi({
      description: 'why `uncertain` is true: several_parts, not_digit_like or low_confidence (the first that holds); null when it is false',
      example: null,
    }),
  })
  .openapi('Prediction');

export const ClassifyResponse = Prediction.extend({
  model: ModelRef,
  preprocessed: z.array(z.number()).length(D).optional().openapi({ ...exactly(D), description: 'only with return_input: the pixels the model saw' }),
}).openapi('ClassifyResponse');

export const BatchResponse = z.object({ results: z.array(Prediction), model: ModelRef }).openapi('BatchResponse');

export const HealthResponse = z
  .object({ status: z.literal('ok'), model: z.object({ version: z.string(), loadedAt: z.string() }) })
  .openapi('Health');

export const ReadyResponse = z
  .object({ status: z.literal('ready'), model: z.object({ version: z.string(), loadedAt: z.string() }), checkedAt: z.string() })
  .openapi('Ready');

export const ModelInfo = z
  .object({
    version: z.string(),
    checksum: z.string().openapi({ description: 'SHA-256 of the model file after its fixed prefix' }),
    architecture: z.object({ sizes: z.array(z.number().int()), inputScale: z.number() }),
    dtype: z.enum(['float32', 'int8']),
    paramCount: z.number().int(),
    bytes: z.number().int(),
    testAccuracy: z.number(),
    training: z.record(z.string(), z.unknown()),
    dataset: z.string(),
    createdAt: z.string(),
    loadedAt: z.string(),
  })
  .openapi('ModelInfo');

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'invalid_input' }),
      message: z.string().openapi({ example: 'pixels must have 784 values, got 783' }),
    }),
  })
  .openapi('Error');
