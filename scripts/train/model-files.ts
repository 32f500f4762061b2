import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256Hex } from '../../shared/checksum';
import { decodeModel, encodeModel, temperatureOf, type FittedAfterTraining, type ModelMetadata } from '../../shared/model/format';
import { inputSpecOf, type InputSpec } from '../../shared/model/input';
import type { Network } from '../../shared/model/network';
import { evaluate } from '../lib/evaluate';
import { percent, thousands } from '../lib/format';
import type { Split } from '../lib/mnist';
import { uploadModel } from '../lib/registry';

// the files a run writes: model.bin (float32), optionally model.int8.bin, and the upload to the local KV.

export interface SavedModel {
  path: string;
  file: Uint8Array; // the model file's bytes
  version: string;
  weightsSha256: string; // of the float32 parameters alone: equal for equal training, whatever the metadata
}

/** the float32 model file at path (<out>/model.bin, or --model), creating its folder; `fitted`: the temperature and the uncertainty probe, when the run fitted them */
export async function saveModel(path: string, network: Network, metadata: ModelMetadata, input: InputSpec, fitted: FittedAfterTraining = {}): Promise<SavedModel> {
  mkdirSync(dirname(path), { recursive: true });
  const file = await encodeModel(network, metadata, 'float32', input, fitted);
  writeFileSync(path, file);
  const { version } = await decodeModel(file);
  return { path, file, version, weightsSha256: await sha256Hex(new Uint8Array(network.params.buffer)) };
}

/**
 * the int8 file of a float32 model, whose header carries its own test accuracy (scored on the
 * dequantized weights at the float32 model's temperature) and the float32 model's temperature and probe
 */
export async function int8File(
  network: Network, metadata: ModelMetadata, input: InputSpec, quantizedFrom: string, test: Split, fitted: FittedAfterTraining = {},
): Promise<{ file: Uint8Array; accuracy: number }> {
  const dequantized = await decodeModel(await encodeModel(network, metadata, 'int8', input, fitted));
  const q = evaluate(dequantized.network, test, inputSpecOf(dequantized.header), temperatureOf(dequantized.header));
  const file = await encodeModel(network, { ...metadata, testAccuracy: q.accuracy, testLoss: q.loss, testEce: Number(q.ece.toFixed(6)), quantizedFrom }, 'int8', input, fitted);
  return { file, accuracy: q.accuracy };
}

/** model.int8.bin beside model.bin */
export async function saveInt8Copy(
  dir: string, network: Network, metadata: ModelMetadata, input: InputSpec, float32: SavedModel, test: Split, fitted: FittedAfterTraining = {},
): Promise<void> {
  const { file: int8, accuracy } = await int8File(network, metadata, input, float32.version, test, fitted);
  const path = join(dir, 'model.int8.bin');
  writeFileSync(path, int8);
  const share = ((100 * int8.length) / float32.file.length).toFixed(0);
  const points = ((accuracy - (metadata.testAccuracy ?? NaN)) * 100).toFixed(2);
  console.log(`int8  ${path} · ${thousands(int8.length / 1024)} KiB (${share}% of float32) · test accuracy ${percent(accuracy)} (${points} points)`);
}

/** as npm run upload: the model becomes the current one in the local KV that `wrangler dev` reads */
export async function uploadToLocalKv(model: SavedModel): Promise<void> {
  const up = await uploadModel(model.path, { remote: false }, true);
  console.log(`local KV: ${model.version} is ${up.alreadyCurrent ? 'already' : 'now'} current`);
}
