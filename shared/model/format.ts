import { sha256, sha256Hex, toHex } from '../checksum';
import { D, K } from '../dims';
import { MAX_TEMPERATURE, MIN_TEMPERATURE } from './calibration';
import { UNCERTAINTY_PROBE_VERSION, type UncertaintyProbe } from './uncertainty';
import { PLAIN_INPUT, type InputSpec } from './input';
import { checkSizes, createNetwork, hasConv, layerShapes, paramCount, type LayerKind, type Network } from './network';
import { dequantizeLayer, quantizeNetwork, type QuantizedLayer } from './quantize';

// the model file, version 1. little-endian throughout.
//   0  magic "MNISTMLP" (8 bytes)
//   8  u32 format version
//  12  u32 header length (JSON, UTF-8, space-padded to a multiple of 4)
//  16  u32 payload length
//  20  32 bytes SHA-256 of everything from byte 52 on (header and payload)
//  52  header JSON: architecture, dtype, parameter count, metadata, and optionally calibration
//  ..  payload: float32 — per layer weight (ROWS, COLS) row-major, then bias (COLS)
//               int8    — per layer scales f32 (ROWS), bias f32 (COLS), weight i8 (ROWS, COLS), zero-padded to 4 bytes
//               a dense layer's (ROWS, COLS) is (IN, OUT); a conv layer's (KH·KW·IC, OC)
//
// header fields added since version 1 are optional, so every version-1 file still decodes:
//   calibration  { version: 1, method: "temperature", temperature, … } (shared/model/calibration.ts):
//                the probabilities are softmax(logits / temperature). absent: temperature 1. a reader
//                refuses a calibration version it does not know rather than serve unscaled probabilities.
//   uncertainty  { version: 1, weights (H + 2), bias, threshold, … } (shared/model/uncertainty.ts): the
//                "not a digit" probe behind the uncertain flag. absent: the flag uses its other rules.
//   architecture.deskew  true: every input is straightened by its moments before the network reads it
//                (shared/model/input.ts). absent or false: it is not.
//   architecture.layers  one entry per layer: "dense", or { kind: "conv", channels, kernel, stride, pad }
//                (shared/model/network.ts; convolutions first, HWC activations, weight (KH, KW, IC, OC)
//                row-major, which is the (ROWS, COLS) matrix the payload and int8 rows describe).
//                absent: every layer is dense, as in every file written before convolutions existed.
//   architecture.task  "line": the file is a line reader (shared/model/line-reader.ts), its network
//                (convolutions, then dense layers, over a 28×28 window) read over a whole line as a
//                blank or a digit every few columns (K + 1 classes: line-frames.ts). absent: a digit
//                model. a reader asks decodeModel for one or the other and refuses the wrong one.

export const MODEL_MAGIC = 'MNISTMLP';
export const MODEL_FORMAT_VERSION = 1;
const PREFIX_BYTES = 52;
const MAX_HEADER_BYTES = 64 * 1024;
const MAX_PARAMS = 64 * 1024 * 1024;

export type ModelDtype = 'float32' | 'int8';

/**
 * what the trainer records about a model. every field is optional to a reader and type-checked when
 * the file is decoded (checkMetadata); none of it is trusted: the accuracy a Worker shows is the one
 * `npm run upload` measured and stored beside the model in KV (shared/model/registry.ts)
 */
export interface ModelMetadata {
  createdAt?: string; // ISO date; 1970-01-01T00:00:00.000Z in a reproducible build, which leaves dates out
  dataset?: string;
  testAccuracy?: number; // 0..1 on the 10,000 MNIST test images, as the trainer measured it: a claim
  testLoss?: number;
  epochs?: number;
  trainSeconds?: number;
  training?: Record<string, string | number | boolean | null>; // the flags the trainer ran with
  [extra: string]: unknown;
}

export const CALIBRATION_VERSION = 1;

/** how the logits were calibrated: on images held out of training, never on the test or evaluation sets */
export interface ModelCalibration {
  version: number; // CALIBRATION_VERSION
  method: 'temperature';
  temperature: number; // probabilities = softmax(logits / temperature)
  fittedOn: string; // e.g. "the last 5000 MNIST training images, held out of training"
  heldOut: number; // how many images
  nllBefore: number; // their mean negative log-likelihood at temperature 1
  nllAfter: number; // and at `temperature`
  eceBefore: number; // their expected calibration error (15 equal-width bins) at temperature 1
  eceAfter: number;
}

export interface ModelHeader {
  architecture: {
    sizes: number[];
    hidden: 'relu';
    output: 'softmax';
    inputScale: number; // the network sees pixel (0..255) × inputScale: 1/255, or 1 for the seed article's raw pixels
    deskew?: boolean; // then deskewed (shared/model/input.ts); absent in files written before it existed: false
    layers?: LayerKind[]; // one per layer; absent: all dense (files written before convolutions existed)
    task?: 'line'; // a line reader (shared/model/line-reader.ts): blank + K classes per window; absent: a digit model
    input: string;
    layout: string;
  };
  dtype: ModelDtype;
  paramCount: number;
  metadata: ModelMetadata;
  calibration?: ModelCalibration;
  uncertainty?: UncertaintyProbe;
}

/** what is fitted after training and travels in the header: both optional */
export type FittedAfterTraining = Pick<ModelHeader, 'calibration' | 'uncertainty'>;

/** the temperature the model's probabilities are computed at: 1 for an uncalibrated (or older) file */
export const temperatureOf = (header: ModelHeader): number => header.calibration?.temperature ?? 1;

export interface DecodedModel {
  version: string; // first 16 hex digits of the checksum: the model's immutable name
  checksum: string; // SHA-256 hex of header and payload
  header: ModelHeader;
  network: Network; // float32 weights, dequantized when the file is int8
  bytes: number; // file size
}

export class ModelFormatError extends Error {
  override name = 'ModelFormatError';
}

const RETRAIN = 'retrain with `npm run train` and upload again';

export function versionOf(checksum: string): string {
  return checksum.slice(0, 16);
}

function payloadBytes(sizes: readonly number[], dtype: ModelDtype, kinds?: readonly LayerKind[]): number {
  if (dtype === 'float32') return paramCount(sizes, kinds) * 4;
  let n = 0;
  for (const { rows, cols } of layerShapes(sizes, kinds)) n += 4 * rows + 4 * cols + align4(rows * cols);
  return n;
}

const align4 = (n: number) => (n + 3) & ~3;

function writePayload(out: Uint8Array, net: Network, dtype: ModelDtype): void {
  if (dtype === 'float32') {
    out.set(new Uint8Array(net.params.buffer, net.params.byteOffset, net.params.byteLength));
    return;
  }
  let o = 0;
  for (const q of quantizeNetwork(net)) {
    for (const part of [q.scales, q.bias, q.weight] as const) {
      out.set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength), o);
      o += align4(part.byteLength);
    }
  }
}

/** the model file for `net`; int8 stores weights quantized per row (about 1/4 of the size) */
export async function encodeModel(
  net: Network, metadata: ModelMetadata, dtype: ModelDtype = 'float32', input: InputSpec = PLAIN_INPUT, fitted: FittedAfterTraining = {},
): Promise<Uint8Array> {
  return encodeFile(net, metadata, dtype, input, fitted, null);
}

/** the model file of a line reader: `net` reads 28×28 windows of a line (shared/image/line.ts) as a blank or a digit */
export function encodeLineReader(net: Network, metadata: ModelMetadata, dtype: ModelDtype = 'float32', input: InputSpec = PLAIN_INPUT): Promise<Uint8Array> {
  return encodeFile(net, metadata, dtype, input, {}, 'line');
}

async function encodeFile(net: Network, metadata: ModelMetadata, dtype: ModelDtype, input: InputSpec, fitted: FittedAfterTraining, task: 'line' | null): Promise<Uint8Array> {
  const header: ModelHeader = {
    architecture: {
      sizes: [...net.sizes],
      hidden: 'relu',
      output: 'softmax',
      inputScale: input.scale,
      // written only when true, as the other fields added since version 1: a plain model's bytes stay the old format
      ...(input.deskew ? { deskew: true } : {}),
      ...(hasConv(net.kinds) ? { layers: [...net.kinds] } : {}),
      ...(task ? { task } : {}),
      input: task === 'line'
        ? `28x28 windows of a line of ink scaled to 28 rows (shared/image/line.ts), 0..255 ink bright on dark, times inputScale; classes: blank, then the digits`
        : `28x28 grayscale, row-major, 0..255 ink bright on dark, times inputScale${input.deskew ? ', then deskewed by its moments' : ''}`,
      layout: hasConv(net.kinds)
        ? 'per layer: weight (rows, cols) row-major, then bias (cols); dense (in, out), conv (kh, kw, in channels, out channels) with HWC activations'
        : 'per layer: weight (in, out) row-major, then bias (out)',
    },
    dtype,
    paramCount: net.params.length,
    metadata,
    ...(fitted.calibration ? { calibration: fitted.calibration } : {}),
    ...(fitted.uncertainty ? { uncertainty: fitted.uncertainty } : {}),
  };
  let json = JSON.stringify(header);
  let headerBytes = new TextEncoder().encode(json);
  const padded = align4(headerBytes.length);
  json += ' '.repeat(padded - headerBytes.length);
  headerBytes = new TextEncoder().encode(json);
  const payloadLength = payloadBytes(net.sizes, dtype, net.kinds);
  const file = new Uint8Array(PREFIX_BYTES + headerBytes.length + payloadLength);
  file.set(new TextEncoder().encode(MODEL_MAGIC), 0);
  const view = new DataView(file.buffer);
  view.setUint32(8, MODEL_FORMAT_VERSION, true);
  view.setUint32(12, headerBytes.length, true);
  view.setUint32(16, payloadLength, true);
  file.set(headerBytes, PREFIX_BYTES);
  writePayload(file.subarray(PREFIX_BYTES + headerBytes.length), net, dtype);
  file.set(await sha256(file.subarray(PREFIX_BYTES)), 20);
  return file;
}

function fail(message: string): never {
  throw new ModelFormatError(message);
}

/** what a reader of model files wants: a digit model (the default) or a line reader */
export type ModelTask = 'digits' | 'line';

function parseHeader(bytes: Uint8Array, task: ModelTask): ModelHeader {
  let header: ModelHeader;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    fail(`the model header is not valid JSON; ${RETRAIN}`);
  }
  const sizes = header?.architecture?.sizes;
  if (!Array.isArray(sizes)) fail('the model header has no architecture.sizes');
  try {
    checkSizes(sizes);
  } catch (e) {
    fail(`the model header's architecture is invalid: ${(e as Error).message}`);
  }
  const fileTask = header.architecture.task;
  if (fileTask !== undefined && fileTask !== 'line') fail(`the model header's architecture.task is ${JSON.stringify(fileTask)?.slice(0, 60)}, not "line" or absent`);
  if ((fileTask === 'line') !== (task === 'line')) {
    fail(task === 'line' ? 'this file is a digit model, not a line reader; train one with `npm run train:reader`' : `this file is a line reader, not a digit model; ${RETRAIN}`);
  }
  const classes = task === 'line' ? K + 1 : K;
  if (sizes[0] !== D || sizes[sizes.length - 1] !== classes) fail(`the model maps ${sizes[0]} inputs to ${sizes[sizes.length - 1]} classes; this server needs ${D} → ${classes}`);
  if (header.architecture.hidden !== 'relu' || header.architecture.output !== 'softmax') fail('only ReLU hidden layers with a softmax output are supported');
  const scale = header.architecture.inputScale;
  if (typeof scale !== 'number' || !(scale > 0 && scale <= 1)) fail('the model header has no input scale in (0, 1]');
  const deskew = header.architecture.deskew;
  if (deskew !== undefined && typeof deskew !== 'boolean') fail(`the model header's architecture.deskew is ${JSON.stringify(deskew)}, not true or false; ${RETRAIN}`);
  if (header.dtype !== 'float32' && header.dtype !== 'int8') fail(`dtype "${String(header.dtype)}" is not float32 or int8`);
  const kinds = header.architecture.layers;
  if (kinds !== undefined) {
    if (!Array.isArray(kinds)) fail(`the model header's architecture.layers is ${JSON.stringify(kinds)?.slice(0, 60)}, not a list; ${RETRAIN}`);
    try {
      layerShapes(sizes, kinds);
    } catch (e) {
      fail(`the model header's architecture.layers is invalid: ${(e as Error).message}; ${RETRAIN}`);
    }
  }
  const params = paramCount(sizes, kinds);
  if (params > MAX_PARAMS) fail(`the model has ${params} parameters, more than ${MAX_PARAMS}`);
  if (header.paramCount !== params) fail(`the header says ${header.paramCount} parameters but [${sizes.join(', ')}] has ${params}`);
  checkMetadata(header.metadata);
  if (header.calibration !== undefined) checkCalibration(header.calibration);
  if (header.uncertainty !== undefined) checkProbe(header.uncertainty, sizes);
  return header;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** the metadata fields that are numbers when present, and the range each must be in */
const NUMBERS: [string, number, number][] = [['testAccuracy', 0, 1], ['testLoss', 0, Infinity], ['testEce', 0, 1], ['epochs', 0, Infinity], ['trainSeconds', 0, Infinity]];

/** the fields a reader uses, each of its type or absent: anything else is refused, never shown as it is */
function checkMetadata(m: unknown): asserts m is ModelMetadata {
  function bad(field: string, value: unknown, expected: string): never {
    fail(`the model header's metadata.${field} is ${JSON.stringify(value)?.slice(0, 60)}, not ${expected}; fix the header or ${RETRAIN}`);
  }
  if (!isObject(m)) fail(`the model header's metadata is ${JSON.stringify(m)?.slice(0, 60) ?? 'missing'}, not an object; ${RETRAIN}`);
  for (const [field, min, max] of NUMBERS) {
    const v = m[field];
    if (v !== undefined && (typeof v !== 'number' || !(v >= min && v <= max))) bad(field, v, `a number in ${min}..${max === Infinity ? '∞' : max} (or absent)`);
  }
  const { createdAt, dataset, training, command } = m;
  if (createdAt !== undefined && (typeof createdAt !== 'string' || !ISO_DATE.test(createdAt) || Number.isNaN(Date.parse(createdAt)))) {
    bad('createdAt', createdAt, 'an ISO date string such as "2026-11-29T12:00:00.000Z" (or absent)');
  }
  if (dataset !== undefined && typeof dataset !== 'string') bad('dataset', dataset, 'a string (or absent)');
  if (command !== undefined && typeof command !== 'string') bad('command', command, 'a string (or absent)');
  if (training !== undefined) {
    if (!isObject(training)) bad('training', training, 'an object of flags (or absent)');
    for (const [flag, v] of Object.entries(training)) {
      const scalar = v === null || typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
      if (!scalar) bad(`training.${flag}`, v, 'a string, finite number, true, false or null');
    }
  }
}

function checkCalibration(c: ModelCalibration): void {
  if (c?.version !== CALIBRATION_VERSION) {
    fail(`the model's calibration is version ${String(c?.version)}; this code reads version ${CALIBRATION_VERSION}: update this code`);
  }
  if (c.method !== 'temperature') fail(`the model's calibration method "${String(c.method)}" is not "temperature"`);
  const T = c.temperature;
  if (typeof T !== 'number' || !(T >= MIN_TEMPERATURE && T <= MAX_TEMPERATURE)) fail(`the model's calibration temperature ${String(T)} is not in ${MIN_TEMPERATURE}..${MAX_TEMPERATURE}; ${RETRAIN}`);
}

function checkProbe(u: UncertaintyProbe, sizes: readonly number[]): void {
  if (u?.version !== UNCERTAINTY_PROBE_VERSION) {
    fail(`the model's uncertainty probe is version ${String(u?.version)}; this code reads version ${UNCERTAINTY_PROBE_VERSION}: update this code`);
  }
  const expected = sizes.length > 2 ? sizes[sizes.length - 2] + 2 : -1;
  if (!Array.isArray(u.weights) || u.weights.length !== expected) {
    fail(`the model's uncertainty probe has ${Array.isArray(u.weights) ? u.weights.length : 'no'} weights; a [${sizes.join(', ')}] model needs ${expected < 0 ? 'none (it has no hidden layer)' : expected}`);
  }
  if (![...u.weights, u.bias, u.threshold].every((v) => typeof v === 'number' && Number.isFinite(v))) fail(`the model's uncertainty probe has a weight, bias or threshold that is not a finite number; ${RETRAIN}`);
}

function readPayload(payload: Uint8Array, sizes: readonly number[], dtype: ModelDtype, kinds?: readonly LayerKind[]): Network {
  // copy so the float views are aligned whatever the source buffer's offset
  const copy = payload.slice();
  if (dtype === 'float32') return createNetwork(sizes, new Float32Array(copy.buffer, 0, paramCount(sizes, kinds)), kinds);
  const net = createNetwork(sizes, undefined, kinds);
  let o = 0;
  net.layers.forEach(({ rows: IN, cols: OUT, weight, bias }) => {
    const q: QuantizedLayer = {
      scales: new Float32Array(copy.buffer, o, IN),
      bias: new Float32Array(copy.buffer, o + 4 * IN, OUT),
      weight: new Int8Array(copy.buffer, o + 4 * IN + 4 * OUT, IN * OUT),
    };
    o += 4 * IN + 4 * OUT + align4(IN * OUT);
    dequantizeLayer(weight, q, IN, OUT);
    bias.set(q.bias);
  });
  return net;
}

/** checks everything before trusting anything: magic, version, sizes, checksum, then finite values */
export async function decodeModel(bytes: Uint8Array, task: ModelTask = 'digits'): Promise<DecodedModel> {
  if (bytes.length < PREFIX_BYTES) fail(`the model file is ${bytes.length} bytes, too short to be a model; ${RETRAIN}`);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MODEL_MAGIC) fail(`not a model file (magic "${magic.replace(/[^\x20-\x7e]/g, '?')}", expected "${MODEL_MAGIC}")`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const formatVersion = view.getUint32(8, true);
  if (formatVersion !== MODEL_FORMAT_VERSION) {
    fail(`model format version ${formatVersion} is not supported (this code reads version ${MODEL_FORMAT_VERSION}); ${formatVersion > MODEL_FORMAT_VERSION ? 'update this code' : RETRAIN}`);
  }
  const headerLength = view.getUint32(12, true);
  const payloadLength = view.getUint32(16, true);
  if (headerLength > MAX_HEADER_BYTES) fail(`the model header claims ${headerLength} bytes, more than ${MAX_HEADER_BYTES}`);
  if (PREFIX_BYTES + headerLength + payloadLength !== bytes.length) {
    fail(`the model file is ${bytes.length} bytes but its header says ${PREFIX_BYTES + headerLength + payloadLength}: it is truncated or has extra bytes; upload it again`);
  }
  const checksum = await sha256Hex(bytes.subarray(PREFIX_BYTES));
  const stored = toHex(bytes.subarray(20, PREFIX_BYTES));
  if (checksum !== stored) fail(`the model's checksum does not match its contents (stored ${stored.slice(0, 16)}…, computed ${checksum.slice(0, 16)}…): the file is corrupt; upload it again`);
  const header = parseHeader(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength), task);
  const expected = payloadBytes(header.architecture.sizes, header.dtype, header.architecture.layers);
  if (payloadLength !== expected) fail(`the payload is ${payloadLength} bytes but a ${header.dtype} [${header.architecture.sizes.join(', ')}] model needs ${expected}`);
  const network = readPayload(bytes.subarray(PREFIX_BYTES + headerLength), header.architecture.sizes, header.dtype, header.architecture.layers);
  for (let i = 0; i < network.params.length; i++) {
    if (!Number.isFinite(network.params[i])) fail(`parameter ${i} is ${network.params[i]}: the model diverged or is corrupt; ${RETRAIN}`);
  }
  return { version: versionOf(checksum), checksum, header, network, bytes: bytes.length };
}
