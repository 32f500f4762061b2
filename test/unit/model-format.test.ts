import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { decodeModel, encodeModel, MODEL_FORMAT_VERSION, ModelFormatError, temperatureOf, type ModelCalibration, type ModelMetadata } from '../../shared/model/format';
import { inputSpecOf, PLAIN_INPUT, type InputSpec } from '../../shared/model/input';
import { createNetwork, initHe, type Network } from '../../shared/model/network';
import { createRng } from '../../shared/rng';
import { sha256, sha256Hex, toHex } from '../../shared/checksum';

const meta: ModelMetadata = { createdAt: '2026-11-29T00:00:00.000Z', dataset: 'test', testAccuracy: 0.5, training: { lr: 0.001 } };

function net(sizes = [784, 16, 10], seed = 1) {
  const n = createNetwork(sizes);
  initHe(n, createRng(seed));
  return n;
}

/** every int8 weight within half a step (its row's largest magnitude / 254) of the float32 one; biases exact */
function expectWithinHalfStep(original: Network, decoded: Network): void {
  for (const [l, layer] of original.layers.entries()) {
    const { inSize: IN, outSize: OUT, weight } = layer;
    for (let i = 0; i < IN; i++) {
      let max = 0;
      for (let j = 0; j < OUT; j++) max = Math.max(max, Math.abs(weight[i * OUT + j]));
      for (let j = 0; j < OUT; j++) {
        const error = Math.abs(decoded.layers[l].weight[i * OUT + j] - weight[i * OUT + j]);
        if (error > max / 254 + 1e-7) throw new Error(`layer ${l} weight (${i}, ${j}): error ${error} exceeds half a step ${max / 254}`);
      }
    }
    expect(Array.from(decoded.layers[l].bias), `layer ${l} bias`).toEqual(Array.from(layer.bias));
  }
}

/** rewrites the stored checksum so that only the intended defect remains */
async function resign(file: Uint8Array): Promise<Uint8Array> {
  file.set(await sha256(file.subarray(52)), 20);
  return file;
}

describe('model file', () => {
  it('round-trips weights, architecture and metadata exactly', async () => {
    const n = net([784, 32, 16, 10]);
    const m = await decodeModel(await encodeModel(n, meta));
    expect(m.header.architecture.sizes).toEqual([784, 32, 16, 10]);
    expect(m.header.dtype).toBe('float32');
    expect(m.header.metadata).toEqual(meta);
    expect(m.header.architecture.inputScale).toBeCloseTo(1 / 255, 12);
    expect(Buffer.from(m.network.params.buffer).equals(Buffer.from(n.params.buffer))).toBe(true);
    expect(m.version).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stores the SHA-256 of header and payload at byte 20 and names the model by its first 16 hex digits', async () => {
    const file = await encodeModel(net(), meta);
    const checksum = await sha256Hex(file.subarray(52));
    expect(checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(toHex(Uint8Array.of(0, 15, 16, 255))).toBe('000f10ff'); // two digits a byte, zero-padded
    expect(toHex(file.subarray(20, 52))).toBe(checksum);
    const m = await decodeModel(file);
    expect(m.checksum).toBe(checksum);
    expect(m.version).toBe(checksum.slice(0, 16));
  });

  it('names a model by its content: same bytes same version, other weights another version', async () => {
    const a = await decodeModel(await encodeModel(net(), meta));
    const b = await decodeModel(await encodeModel(net(), meta));
    const c = await decodeModel(await encodeModel(net(undefined, 2), meta));
    expect(a.version).toBe(b.version);
    expect(c.version).not.toBe(a.version);
  });

  it('stores int8 weights in about a quarter of the size, within half a quantization step', async () => {
    const n = net([784, 128, 10]);
    const f32 = await encodeModel(n, meta);
    const i8 = await encodeModel(n, meta, 'int8');
    expect(i8.length / f32.length).toBeLessThan(0.27);
    const m = await decodeModel(i8);
    expect(m.header.dtype).toBe('int8');
    expectWithinHalfStep(n, m.network);
  });

  it('pads int8 layers whose weight count is not a multiple of 4, and reads the next layer after the padding', async () => {
    // 5·7 = 35, 7·11 = 77 and 11·10 = 110 int8 weights: 1, 3 and 2 padding bytes, two of them followed by a layer
    const sizes = [784, 5, 7, 11, 10];
    const n = net(sizes, 3);
    const file = await encodeModel(n, meta, 'int8');
    const headerLength = new DataView(file.buffer).getUint32(12, true);
    // per layer: float32 scales (IN), float32 bias (OUT), int8 weights (IN·OUT) rounded up to 4 bytes
    const layerBytes = [4 * 784 + 4 * 5 + 3920, 4 * 5 + 4 * 7 + 35 + 1, 4 * 7 + 4 * 11 + 77 + 3, 4 * 11 + 4 * 10 + 110 + 2];
    expect(file.length).toBe(52 + headerLength + layerBytes.reduce((a, b) => a + b));
    const secondWeights = 52 + headerLength + layerBytes[0] + 4 * 5 + 4 * 7;
    expect(file[secondWeights + 35]).toBe(0); // the padding byte
    const thirdWeights = secondWeights + 36 + 4 * 7 + 4 * 11;
    expect(file.subarray(thirdWeights + 77, thirdWeights + 80)).toEqual(Uint8Array.of(0, 0, 0));
    expect(file.subarray(file.length - 2)).toEqual(Uint8Array.of(0, 0));
    const m = await decodeModel(file);
    expect(m.header.architecture.sizes).toEqual(sizes);
    expectWithinHalfStep(n, m.network);
  });

  it('refuses a wrong magic', async () => {
    const f = await encodeModel(net(), meta);
    f[0] = 'X'.charCodeAt(0);
    await expect(decodeModel(f)).rejects.toThrow(/not a model file/);
  });

  it('refuses another format version and says what to do', async () => {
    const f = await encodeModel(net(), meta);
    new DataView(f.buffer).setUint32(8, MODEL_FORMAT_VERSION + 1, true);
    await expect(decodeModel(f)).rejects.toThrow(/version 2 is not supported.*update this code/);
  });

  it('refuses a truncated file and one with extra bytes', async () => {
    const f = await encodeModel(net(), meta);
    await expect(decodeModel(f.subarray(0, f.length - 4))).rejects.toThrow(/truncated/);
    await expect(decodeModel(Uint8Array.from([...f, 0]))).rejects.toThrow(/truncated or has extra bytes/);
    await expect(decodeModel(f.subarray(0, 10))).rejects.toThrow(/too short/);
  });

  it('refuses a flipped bit anywhere in the weights', async () => {
    const f = await encodeModel(net(), meta);
    f[f.length - 100] ^= 0x10;
    await expect(decodeModel(f)).rejects.toThrow(/checksum does not match/);
  });

  it('refuses non-finite weights even when the checksum is right', async () => {
    const n = net();
    n.params[123] = NaN;
    await expect(decodeModel(await encodeModel(n, meta))).rejects.toThrow(/parameter 123 is NaN/);
    n.params[123] = Infinity;
    await expect(decodeModel(await encodeModel(n, meta))).rejects.toThrow(/parameter 123 is Infinity/);
  });

  it('refuses a header whose architecture disagrees with the payload size', async () => {
    const f = await encodeModel(net([784, 16, 10]), meta);
    const text = new TextDecoder().decode(f.subarray(52, 52 + new DataView(f.buffer).getUint32(12, true)));
    const tampered = text.replace('[784,16,10]', '[784,17,10]').replace('"paramCount":12730', '"paramCount":13525');
    f.set(new TextEncoder().encode(tampered), 52);
    await expect(decodeModel(await resign(f))).rejects.toThrow(/payload is \d+ bytes but a float32 \[784, 17, 10\] model needs/);
  });

  it('refuses a model that does not map 784 pixels to 10 digits', async () => {
    await expect(decodeModel(await encodeModel(net([100, 8, 10]), meta))).rejects.toThrow(/needs 784 → 10/);
  });
});

describe('the calibration header field', () => {
  const calibration: ModelCalibration = {
    version: 1, method: 'temperature', temperature: 1.37, fittedOn: 'the last 5000 MNIST training images, held out of training', heldOut: 5000,
    nllBefore: 0.07, nllAfter: 0.06, eceBefore: 0.012, eceAfter: 0.004,
  };

  /** the file with its header JSON's calibration replaced by `text` (same length), re-signed */
  async function withCalibration(text: (json: string) => string): Promise<Uint8Array> {
    const f = await encodeModel(net(), meta, 'float32', PLAIN_INPUT, { calibration });
    const length = new DataView(f.buffer).getUint32(12, true);
    const json = new TextDecoder().decode(f.subarray(52, 52 + length));
    const changed = text(json);
    expect(changed.length).toBe(json.length);
    f.set(new TextEncoder().encode(changed), 52);
    return resign(f);
  }

  it('decodes a version-1 file written before calibration existed at temperature 1', async () => {
    const old = await decodeModel(new Uint8Array(readFileSync('test/fixtures/model-v1-uncalibrated.bin')));
    expect(old.header.architecture.sizes).toEqual([784, 2, 10]);
    expect(old.header.calibration).toBeUndefined();
    expect(temperatureOf(old.header)).toBe(1);
  });

  it('writes no calibration field for an uncalibrated model, so its bytes are the old format', async () => {
    const f = await encodeModel(net(), meta);
    expect(new TextDecoder().decode(f)).not.toContain('calibration');
    expect(temperatureOf((await decodeModel(f)).header)).toBe(1);
  });

  it('round-trips the temperature and its provenance', async () => {
    const m = await decodeModel(await encodeModel(net(), meta, 'int8', PLAIN_INPUT, { calibration }));
    expect(m.header.calibration).toEqual(calibration);
    expect(temperatureOf(m.header)).toBe(1.37);
  });

  it('refuses a temperature outside 0.05..20 and a calibration it does not know', async () => {
    await expect(decodeModel(await withCalibration((j) => j.replace('"temperature":1.37', '"temperature":0.00')))).rejects.toThrow(/temperature 0 is not in 0.05..20/);
    await expect(decodeModel(await withCalibration((j) => j.replace('"temperature":1.37', '"temperature":"x1"')))).rejects.toThrow(/temperature x1 is not in/);
    await expect(decodeModel(await withCalibration((j) => j.replace('"version":1', '"version":2')))).rejects.toThrow(/calibration is version 2.*update this code/);
    await expect(decodeModel(await withCalibration((j) => j.replace('"temperature",', '"vectorxxxxx",')))).rejects.toThrow(/method "vectorxxxxx" is not "temperature"/);
  });
});

describe('the deskew header field', () => {
  const DESKEW: InputSpec = { scale: 1 / 255, deskew: true };

  it('round-trips deskew in float32 and int8 files, and inputSpecOf reads it back', async () => {
    for (const dtype of ['float32', 'int8'] as const) {
      const m = await decodeModel(await encodeModel(net(), meta, dtype, DESKEW));
      expect(m.header.architecture.deskew).toBe(true);
      expect(m.header.architecture.input).toMatch(/deskewed/);
      expect(inputSpecOf(m.header)).toEqual(DESKEW);
    }
  });

  it('writes no deskew field for a plain model, and reads a file without one (any older file) as not deskewed', async () => {
    const f = await encodeModel(net(), meta);
    expect(new TextDecoder().decode(f)).not.toContain('deskew');
    expect(inputSpecOf((await decodeModel(f)).header)).toEqual(PLAIN_INPUT);
    const old = await decodeModel(new Uint8Array(readFileSync('test/fixtures/model-v1-uncalibrated.bin')));
    expect(old.header.architecture.deskew).toBeUndefined();
    expect(inputSpecOf(old.header)).toEqual({ scale: old.header.architecture.inputScale, deskew: false });
  });

  it('refuses a deskew that is not true or false, saying so', async () => {
    const f = await encodeModel(net(), meta, 'float32', DESKEW);
    const length = new DataView(f.buffer).getUint32(12, true);
    const json = new TextDecoder().decode(f.subarray(52, 52 + length));
    const changed = json.replace('"deskew":true', '"deskew":1234');
    expect(changed.length).toBe(json.length);
    f.set(new TextEncoder().encode(changed), 52);
    await expect(decodeModel(await resign(f))).rejects.toThrow(/architecture\.deskew is 1234, not true or false/);
  });
});

describe('the metadata header field', () => {
  /** a file whose metadata is `m`, exactly as given: the encoder writes what it is handed */
  const withMetadata = (m: unknown) => encodeModel(net(), m as ModelMetadata);

  it('accepts a file that leaves every metadata field out', async () => {
    const m = await decodeModel(await withMetadata({}));
    expect(m.header.metadata).toEqual({});
  });

  it('accepts the committed model, dated 1970-01-01 by the reproducible build', async () => {
    const m = await decodeModel(new Uint8Array(readFileSync('models/default.bin')));
    expect(m.header.metadata.createdAt).toBe('1970-01-01T00:00:00.000Z');
  });

  const refused: [string, unknown, RegExp][] = [
    ['a numeric createdAt', { ...meta, createdAt: 1764000000000 }, /metadata\.createdAt is 1764000000000, not an ISO date string such as "2026-11-29T12:00:00\.000Z" \(or absent\); fix the header or retrain/],
    ['a createdAt that is not a date', { ...meta, createdAt: 'yesterday' }, /metadata\.createdAt is "yesterday", not an ISO date/],
    ['a testAccuracy above 1', { ...meta, testAccuracy: 1.5 }, /metadata\.testAccuracy is 1\.5, not a number in 0\.\.1 \(or absent\)/],
    ['a testAccuracy given as text', { ...meta, testAccuracy: '99%' }, /metadata\.testAccuracy is "99%", not a number in 0\.\.1/],
    ['a negative testLoss', { ...meta, testLoss: -1 }, /metadata\.testLoss is -1, not a number in 0\.\.∞/],
    ['a dataset that is an object', { ...meta, dataset: { name: 'mnist' } }, /metadata\.dataset is \{"name":"mnist"\}, not a string \(or absent\)/],
    ['training flags in an array', { ...meta, training: ['lr', 0.1] }, /metadata\.training is \["lr",0\.1\], not an object of flags/],
    ['a training flag that is an object', { ...meta, training: { lr: { value: 0.1 } } }, /metadata\.training\.lr is \{"value":0\.1\}, not a string, finite number, true, false or null/],
    ['metadata that is not an object', 'trained yesterday', /metadata is "trained yesterday", not an object/],
  ];
  for (const [what, metadata, message] of refused) {
    it(`refuses ${what} with a ModelFormatError that says what to do`, async () => {
      const decoding = decodeModel(await withMetadata(metadata));
      await expect(decoding).rejects.toThrow(ModelFormatError);
      await expect(decoding).rejects.toThrow(message);
    });
  }
});
