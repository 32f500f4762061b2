import { z } from '@hono/zod-openapi';
import { D, K } from '../shared/dims';
import { NUMBER_DOUBTS } from '../shared/model/read';
import { DOUBT_REASONS } from '../shared/model/uncertainty';
import { checkImages, checkPixels, checkRows, MORE_PROBLEMS, PIXELS_JSON_SCHEMA, Problems, summarizeValue, type JsonPixels } from './pixels';

// the zod schemas that validate requests and describe responses in /openapi.json.
// error messages are predicates: validation.ts prefixes the field path, giving e.g.
// "pixels[5] = 300 is outside 0..255" or "pixels must have 784 values, got 783".

/**
 * zod-to-openapi drops .length(n) from arrays; state it for the document, as minItems and in words:
 * an equal maxItems would make generated clients use an n-element tuple (see PIXELS_JSON_SCHEMA)
 */
const exactly = (n: number, description: string) => ({ minItems: n, description: `${description} (exactly ${n})` });

/** hands a typed check's problems to zod as issues; the uncounted rest rides on one marker issue */
function reportTo(ctx: z.RefinementCtx, problems: Problems): void {
  for (const { path, message } of problems.listed) ctx.addIssue({ code: 'custom', path, message });
  if (problems.more > 0) ctx.addIssue({ code: 'custom', path: [], message: MORE_PROBLEMS, params: { more: problems.more } });
}

/** one image: checked by worker/pixels.ts's loop, documented by its JSON Schema */
export const Pixels = z
  .custom<JsonPixels>()
  .superRefine((value, ctx) => {
    const problems = new Problems();
    checkPixels(value, [], problems);
    reportTo(ctx, problems);
  })
  // zod-to-openapi needs a type for a custom schema; buildOpenApiDocument (openapi.ts) takes it out again
  .openapi('Pixels', { type: 'array', ...PIXELS_JSON_SCHEMA } as object);

/** 1..max images, checked in one pass that stops wording problems after the first few of the whole batch */
const images = (max: number) =>
  z
    .custom<JsonPixels[]>()
    .superRefine((value, ctx) => {
      const problems = new Problems();
      checkImages(value, max, problems);
      reportTo(ctx, problems);
    })
    .openapi({ type: 'array', items: { $ref: '#/components/schemas/Pixels' }, minItems: 1, maxItems: max });

const flag = (description: string) =>
  z.boolean({ error: (iss) => `must be true or false (got ${summarizeValue(iss.input)})` }).optional().openapi({ description });

const PREPROCESS_DOC = 'run the shared MNIST preprocessing (crop to the ink, scale to 20×20, centre by mass in 28×28); default false: the pixels are used as they are';

const objectError = (example: string) => (iss: { code?: string; input?: unknown; keys?: string[] }) =>
  iss.code === 'unrecognized_keys'
    ? `has unknown field${iss.keys!.length > 1 ? 's' : ''} ${iss.keys!.slice(0, 3).map((k) => JSON.stringify(k.length > 40 ? k.slice(0, 40) + '…' : k)).join(', ')}${iss.keys!.length > 3 ? ', …' : ''}`
    : `must be a JSON object like ${example} (got ${summarizeValue(iss.input)})`;

export const ClassifyJson = z
  .strictObject(
    { pixels: Pixels, preprocess: flag(PREPROCESS_DOC), return_input: flag('also answer the 784 pixels the model saw, as "preprocessed"') },
    { error: objectError('{"pixels": [784 numbers]}') },
  )
  .openapi('ClassifyJson');

/** the batch body; its image count is the plan's (worker/limits.ts) */
export const batchJson = (maxImages: number) =>
  z
    .strictObject(
      { images: images(maxImages), preprocess: flag(PREPROCESS_DOC) },
      { error: objectError('{"images": [[784 numbers], ...]}') },
    )
    .openapi('BatchJson');

export const ImageUpload = z
  .object(
    {
      image: z
        .file({ error: (iss) => (iss.input === undefined ? 'is required' : `must be a file (got ${summarizeValue(iss.input)})`) })
        .openapi({ type: 'string', format: 'binary', description: 'a PNG or JPEG image of one digit' }),
    },
    { error: () => 'must be a multipart/form-data body with an "image" file field' },
  )
  .openapi('ImageUpload');

const queryFlag = (description: string) =>
  z.enum(['true', 'false'], { error: (iss) => `must be true or false (got ${summarizeValue(iss.input)})` }).optional().openapi({ description });

export const ImageQuery = z.object({
  preprocess: queryFlag('image uploads only; default true. false uses a 28×28 image as it is (ink bright on dark)'),
  return_input: queryFlag('image uploads only; also answer the 784 pixels the model saw'),
});

export const PngBody = z.string().openapi({ type: 'string', format: 'binary', description: 'a PNG of one digit' });

export const JpegBody = z.string().openapi({ type: 'string', format: 'binary', description: 'a JPEG photo of one digit (baseline or progressive; EXIF orientation applied)' });

export const BatchQuery = z.object({
  preprocess: queryFlag('application/octet-stream bodies only; default false. true runs the MNIST preprocessing on each image'),
});

export const BatchBytes = z.string().openapi({
  type: 'string',
  format: 'binary',
  description: `N × ${D} bytes: N images of ${D} pixels, row-major, one byte each (0 = background, 255 = ink)`,
});

export const ModelRef = z.object({ version: z.string().openapi({ example: '3f2a9c0d1e4b5a67' }) }).openapi('ModelRef');

export const Prediction = z
  .object({
    digit: z.number().int().min(0).max(K - 1),
    confidence: z.number().min(0).max(1).openapi({ description: 'probability of `digit`, calibrated (temperature scaling) when the model file carries a temperature' }),
    probabilities: z.array(z.number()).length(K).openapi(exactly(K, 'softmax output for digits 0..9')),
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
  preprocessed: z.array(z.number()).length(D).optional().openapi(exactly(D, 'only with return_input: the pixels the model saw')),
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
    architecture: z.object({
      sizes: z.array(z.number().int()),
      inputScale: z.number(),
      deskew: z.boolean().openapi({ description: 'the model reads every 28×28 input straightened by its moments (the server does it; send images as they are)' }),
    }),
    dtype: z.enum(['float32', 'int8']),
    paramCount: z.number().int(),
    bytes: z.number().int(),
    testAccuracy: z.number().nullable().openapi({
      description: 'accuracy on the 10,000 MNIST test images as `npm run upload` measured it and recorded beside the model, never the figure the file claims; null: not measured (the model was put in KV without the uploader)',
      example: 0.9903,
    }),
    training: z.record(z.string(), z.unknown()),
    dataset: z.string().nullable(),
    createdAt: z.string().nullable().openapi({ description: 'when the file says it was trained (ISO); null when it does not say; 1970-01-01 for a reproducible build, which leaves dates out' }),
    uploadedAt: z.string().nullable().openapi({ description: 'when `npm run upload` published it (ISO); null when unknown' }),
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

// ---------------------------------------------------------------- POST /feedback

const notADigit = (iss: { input?: unknown }) => (iss.input === undefined ? 'is required' : `must be a digit 0..${K - 1} (got ${summarizeValue(iss.input)})`);

const digit = (what: string) =>
  z.number({ error: notADigit }).int({ error: notADigit }).min(0, { error: notADigit }).max(K - 1, { error: notADigit }).openapi({ description: what });

export const FeedbackJson = z
  .strictObject(
    {
      pixels: Pixels,
      label: digit('the digit the drawing really is'),
      predicted: digit('what the model answered').optional(),
      modelVersion: z
        .string({ error: (iss) => `must be a model version string (got ${summarizeValue(iss.input)})` })
        .regex(/^[0-9a-f]{16}$/, { error: (iss) => `must be 16 hex digits like "3f2a9c0d1e4b5a67" (got ${summarizeValue(iss.input)})` })
        .optional()
        .openapi({ description: 'the model version that answered (the "model.version" of /classify)' }),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `has unknown field${iss.keys.length > 1 ? 's' : ''} ${iss.keys.map((k) => JSON.stringify(k)).join(', ')}`
          : `must be a JSON object like {"pixels": [784 numbers], "label": 4} (got ${summarizeValue(iss.input)})`,
    },
  )
  .openapi('Feedback');

export const FeedbackStored = z
  .object({
    id: z.string().openapi({ description: 'the first 32 hex digits of SHA-256 over the 784 pixel bytes: the same drawing always gets the same id', example: '9c1f0e6a2b7d4e3f5a6b7c8d9e0f1a2b' }),
    label: z.number().int().openapi({ description: 'the label stored: for a duplicate, the one sent first' }),
    duplicate: z.boolean().openapi({ description: 'true when this drawing was stored before (200): nothing new was written' }),
  })
  .openapi('FeedbackStored');

// ---------------------------------------------------------------- POST /read

/** a picture as rows of pixels of any width (ink bright on dark, as /classify's JSON) */
export const readJson = (maxSide: number) =>
  z
    .strictObject(
      {
        pixels: z
          .custom<number[][]>()
          .superRefine((value, ctx) => {
            const problems = new Problems();
            checkRows(value, maxSide, problems);
            reportTo(ctx, problems);
          })
          .openapi({
            type: 'array',
            description: `rows of pixels, 0 = background, 255 = ink (MNIST polarity): 1..${maxSide} rows of the same length, 1..${maxSide} values each`,
            items: { type: 'array', items: { type: 'number', minimum: 0, maximum: 255 }, minItems: 1, maxItems: maxSide },
            minItems: 1,
            maxItems: maxSide,
          }),
      },
      { error: objectError('{"pixels": [[row of numbers], ...]}') },
    )
    .openapi('ReadJson');

export const Box = z
  .object({ x: z.number().int(), y: z.number().int(), width: z.number().int(), height: z.number().int() })
  .openapi('Box', { description: "the digit's ink, in the sent picture's pixels (x right, y down from the top left corner)" });

export const DigitReading = z
  .object({
    digit: z.number().int().min(0).max(K - 1),
    confidence: z.number().min(0).max(1).openapi({ description: 'probability of `digit`: calibrated as in /classify, or for digits that touch and were read by the line reader, its highest over the windows of that digit' }),
    box: Box,
    uncertain: z.boolean().openapi({ description: 'as /classify: this digit should not be trusted' }),
    reason: z.enum(DOUBT_REASONS).nullable().openapi({ description: 'why this digit is uncertain (as /classify), or null' }),
  })
  .openapi('DigitReading');

export const ReadResponse = z
  .object({
    text: z.string().openapi({ example: '2025', description: 'the digits left to right' }),
    digits: z.array(DigitReading).openapi({ description: 'one per digit of text, left to right' }),
    uncertain: z.boolean().openapi({ description: 'true when any digit is uncertain, or when cutting digits that touch had to guess' }),
    reason: z.enum(NUMBER_DOUBTS).nullable().openapi({ description: 'uncertain_digit (a digit is uncertain) or ambiguous_split (where touching digits part was a guess); null when not uncertain' }),
    model: z
      .object({
        version: z.string().openapi({ example: '3f2a9c0d1e4b5a67', description: 'the digit model, as /classify answers it' }),
        lineReader: z.string().nullable().openapi({ example: '9b1c47e2d05a3f68', description: 'the line reader that reads digits that touch (it ships with the Worker), or null when none could be loaded: then they are cut apart' }),
      })
      .openapi('ReadModelRef'),
  })
  .openapi('ReadResponse');
