import { sha256Hex } from '../../../shared/checksum';
import { D, K } from '../../../shared/dims';
import { encodeModel, versionOf, type ModelDtype } from '../../../shared/model/format';
import { createNetwork, type Network } from '../../../shared/model/network';
import { handNetwork, METADATA, type ModelFile } from './models';

// well-formed model files (right checksum, finite weights) that a Worker must still refuse.
// like models.ts, this file loads in Node too: the upload tests use the same files.

async function fileOf(net: Network, dtype: ModelDtype): Promise<ModelFile> {
  const bytes = await encodeModel(net, METADATA, dtype);
  // the version as models.ts computes it: the checksum (of everything after the 52-byte prefix), shortened
  return { bytes, version: versionOf(await sha256Hex(bytes.subarray(52))) };
}

/** int8 784-4096-4096-10: 19 MiB, 20 million multiply-adds per image (about 10 ms of CPU for one image) */
export function hugeInt8Model(): Promise<ModelFile> {
  return fileOf(createNetwork([D, 4096, 4096, K]), 'int8');
}

/** float32 784-331-10: a small file (1 MiB), but 262,814 multiply-adds per image, just over the budget (784-330-10 fits) */
export function justTooSlowModel(): Promise<ModelFile> {
  return fileOf(createNetwork([D, 331, K]), 'float32');
}

/**
 * the hand-set net (see models.ts) with every first-layer weight at 3e38: finite, so the decoder
 * accepts it, but any lit pixel overflows float32 and the answer is NaN ("confidence": null)
 */
export function overflowingModel(): Promise<ModelFile> {
  const net = handNetwork();
  net.layers[0].weight.fill(3e38);
  return fileOf(net, 'float32');
}

/** pixel 0 (top left, never inked in MNIST) and pixel 2 feed hidden unit 0 of overflowingUnitNetwork */
export const ATTACK_PIXEL = 0;

/**
 * the hand-set net with one hidden unit's weights at ±3e38: +3e38 from pixel 0, -3e38 from pixel 2.
 * on the four probe images of shared/model/servable.ts the two cancel or pixel 0 is dark, so every
 * answer is finite and the probes pass; an image with pixel 0 at 255 puts 3e38 on the unit, and the
 * output layer's weight of 10 overflows it: every probability NaN. only a bound over all inputs catches it.
 */
export function overflowingUnitNetwork(): Network {
  const net = handNetwork();
  const { weight, outSize } = net.layers[0];
  weight[ATTACK_PIXEL * outSize + 0] = 3e38;
  weight[2 * outSize + 0] = -3e38;
  return net;
}

export const overflowingUnitModel = (): Promise<ModelFile> => fileOf(overflowingUnitNetwork(), 'float32');
