import { readFileSync, writeFileSync } from 'node:fs';
import { sha256Hex } from '../../shared/checksum';
import { decodeModel } from '../../shared/model/format';
import { parseCli } from './cli';
import { loadTrainingData } from './data';
import { train } from './engine';

// the recipe-prefix check: a committed model was made by `npm run train -- <its command>`, which takes
// minutes; its first steps take seconds. models/<name>.prefix.json records the SHA-256 of the weights
// after the first `steps` optimizer steps of that command, taken when the file was made. a change to
// the trainer, its data pipeline (MNIST, fonts, augmentation, degradation, deskew) or the recipe that
// moves the trajectory changes that hash, so a test can catch it without the full rebuild.

export interface PrefixRecord {
  model: string; // the model file, relative to the repository root
  version: string; // its version (first 16 hex digits of its checksum): the record belongs to these bytes
  command: string; // the train command in its header
  steps: number; // optimizer steps run
  sha256: string; // of the float32 weights (all layers, as the payload lays them out) after those steps
}

/** the default's prefix: 256 steps of batch 128 = 32,768 images, about 40% of the first epoch */
export const PREFIX_STEPS = 256;

/** `npm run train -- --reproducible --seed 3` → the flags after `--` */
export function commandArgs(command: string): string[] {
  if (!/^npm run train -- /.test(command + ' ')) throw new Error(`"${command}" is not an npm run train command`);
  return command.replace(/^npm run train --\s*/, '').split(/\s+/).filter(Boolean);
}

/** the SHA-256 of the weights after the first `steps` steps of `npm run train -- <args>` on `threads` threads */
export async function prefixHash(args: readonly string[], steps: number, threads: number): Promise<string> {
  const opts = parseCli([...args, '--threads', String(threads)]);
  if (opts.from) throw new Error('a fine-tune (--from) has no recipe prefix of its own');
  const data = loadTrainingData(opts);
  const result = await train(opts.config, data, { stopAfterSteps: steps });
  const p = result.network.params;
  return sha256Hex(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));
}

/** the record for a model file, computed now */
export async function recordPrefix(modelPath: string, steps = PREFIX_STEPS, threads = 2): Promise<PrefixRecord> {
  const model = await decodeModel(new Uint8Array(readFileSync(modelPath)));
  const command = String(model.header.metadata.command ?? '');
  const sha256 = await prefixHash(commandArgs(command), steps, threads);
  return { model: modelPath, version: model.version, command, steps, sha256 };
}

export function readPrefixRecord(path: string): PrefixRecord {
  return JSON.parse(readFileSync(path, 'utf8')) as PrefixRecord;
}

export function writePrefixRecord(path: string, r: PrefixRecord): void {
  writeFileSync(path, JSON.stringify(r, null, 2) + '\n');
}
