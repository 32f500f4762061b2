import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../shared/checksum';
import { loadMnist } from '../../scripts/lib/mnist';
import { DEFAULT_CONFIG, inputSpec, runSettings } from '../../scripts/train/config';
import { parseCli } from '../../scripts/train/cli';
import { train } from '../../scripts/train/engine';
import { readTeacher, TeacherError } from '../../scripts/train/teacher';
import { encodeModel } from '../../shared/model/format';
import { convSizes, createNetwork, initHe, type ConvSpec, type LayerKind } from '../../shared/model/network';
import { createRng } from '../../shared/rng';

// --teacher: a student trained on the labels and on a teacher's softened probabilities, the teacher
// reading the same augmented inputs. same seed same bytes on any thread count, as every run.

const mnist = loadMnist();
const data = { ...mnist, test: { ...mnist.test, images: mnist.test.images.subarray(0, 500 * 784), labels: mnist.test.labels.subarray(0, 500), count: 500 } };
const hash = (p: Float32Array) => sha256Hex(new Uint8Array(p.buffer, p.byteOffset, p.byteLength));

// a small CNN teacher with seeded weights, in a file as the trainer writes them (deskewed input, as the default recipe)
const dir = mkdtempSync(join(tmpdir(), 'distill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
async function teacherFile(deskew: boolean): Promise<string> {
  const convs: ConvSpec[] = [{ kind: 'conv', channels: 4, kernel: 3, stride: 2, pad: 0 }];
  const kinds: LayerKind[] = [...convs, 'dense'];
  const net = createNetwork([...convSizes(28, convs), 10], undefined, kinds);
  initHe(net, createRng(7));
  const path = join(dir, `teacher-${deskew}.bin`);
  writeFileSync(path, await encodeModel(net, { createdAt: '2026-12-06T00:00:00.000Z', dataset: 'test', testAccuracy: 0.42, training: {} }, 'float32', { scale: 1 / 255, deskew }));
  return path;
}

describe('distillation (--teacher)', () => {
  it('reads --teacher, --distill-alpha and --distill-temperature, and refuses the last two without a teacher', () => {
    expect(parseCli([]).config.distill).toBeNull();
    expect(parseCli(['--teacher', 't.bin']).config.distill).toEqual({ teacher: 't.bin', alpha: 0.5, temperature: 1 });
    expect(parseCli(['--teacher', 't.bin', '--distill-alpha', '0.2', '--distill-temperature', '3']).config.distill).toEqual({ teacher: 't.bin', alpha: 0.2, temperature: 3 });
    expect(() => parseCli(['--distill-alpha', '0.2'])).toThrow(/need --teacher/);
    expect(() => parseCli(['--teacher', 't.bin', '--distill-alpha', '1.5'])).toThrow(/--distill-alpha must be a number in 0..1/);
    expect(() => parseCli(['--teacher', 't.bin', '--distill-temperature', '0'])).toThrow(/--distill-temperature/);
  });

  it('records the teacher\'s file, version, architecture and claimed accuracy, alpha and T in the training flags; a run without one records none', async () => {
    const config = parseCli(['--teacher', await teacherFile(true), '--distill-alpha', '0.3', '--distill-temperature', '2']).config;
    const teacher = (await readTeacher(config))!;
    const settings = runSettings({ ...config, distill: teacher.settings });
    expect(settings).toMatchObject({ teacherArchitecture: '784-conv4k3s2-10', teacherTestAccuracy: 0.42, distillAlpha: 0.3, distillTemperature: 2 });
    expect(settings.teacherVersion).toMatch(/^[0-9a-f]{16}$/);
    expect(Object.keys(runSettings(DEFAULT_CONFIG)).filter((k) => /teacher|distill/i.test(k))).toEqual([]);
  });

  it('refuses a teacher that reads its input otherwise than the student, or a file that is not there', async () => {
    const config = parseCli(['--teacher', await teacherFile(false)]).config; // the default recipe deskews
    await expect(readTeacher(config)).rejects.toThrow(TeacherError);
    await expect(readTeacher(config)).rejects.toThrow(/not deskewed, this run unit scale, deskewed/);
    await expect(readTeacher({ ...config, distill: { ...config.distill!, teacher: join(dir, 'none.bin') } })).rejects.toThrow(/no such model file/);
  });

  it('gives the same weights byte for byte with 1 or 2 threads; the teacher changes them, and alpha 1 is the labels alone to the bit', async () => {
    const base = { ...DEFAULT_CONFIG, epochs: 1, trainLimit: 400, fontDigits: 1, hidden: [32] };
    const config = parseCli(['--teacher', await teacherFile(true), '--distill-alpha', '0.4', '--distill-temperature', '3']).config;
    const teacher = (await readTeacher(config))!;
    const distilled = { ...base, distill: teacher.settings };
    const one = await train({ ...distilled, threads: 1 }, data, {}, undefined, teacher.network);
    const two = await train({ ...distilled, threads: 2 }, data, {}, undefined, teacher.network);
    const labelsOnly = await train({ ...base, threads: 2 }, data);
    const alphaOne = await train({ ...distilled, distill: { ...teacher.settings, alpha: 1 }, threads: 2 }, data, {}, undefined, teacher.network);
    expect(await hash(two.network.params)).toBe(await hash(one.network.params));
    expect(await hash(one.network.params)).not.toBe(await hash(labelsOnly.network.params));
    expect(await hash(alphaOne.network.params)).toBe(await hash(labelsOnly.network.params));
    expect(inputSpec(distilled)).toEqual(inputSpec(base));
    await expect(train(distilled, data)).rejects.toThrow(/was not loaded/);
  }, 120_000);
});
