import { readFileSync } from 'node:fs';
import { D, K } from '../../shared/dims';
import { decodeModel } from '../../shared/model/format';
import { inputSpecOf } from '../../shared/model/input';
import { convName, type Network } from '../../shared/model/network';
import { inputSpec, type DistillSettings, type TrainConfig } from './config';

// --teacher FILE: the model a run distills from. the teacher reads exactly the network inputs the
// student reads (the same augmented, degraded, deskewed image), so its file must describe its
// input as this run does; any file the project reads will do (float32 or int8, MLP or CNN).

export class TeacherError extends Error {}

export interface Teacher {
  network: Network;
  settings: DistillSettings; // config.distill with the file's version, architecture and claimed accuracy filled in
}

/** "784-conv16k3s2-conv32k3s2-64-10", as describeArchitecture names a run's */
export function networkName(net: Network): string {
  return [net.sizes[0], ...net.kinds.map((k, l) => (k === 'dense' ? net.sizes[l + 1] : convName(k)))].join('-');
}

export async function readTeacher(config: TrainConfig): Promise<Teacher | null> {
  const d = config.distill;
  if (!d) return null;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(d.teacher));
  } catch {
    throw new TeacherError(`--teacher ${d.teacher}: no such model file (e.g. runs/teacher/model.bin from npm run train -- --arch conv16s2,conv32s2,64)`);
  }
  const model = await decodeModel(bytes).catch((e: Error) => {
    throw new TeacherError(`--teacher ${d.teacher}: ${e.message}`);
  });
  const { sizes } = model.header.architecture;
  if (sizes[0] !== D || sizes[sizes.length - 1] !== K) throw new TeacherError(`--teacher ${d.teacher}: a ${sizes.join('-')} network does not read ${D} pixels into ${K} classes`);
  const theirs = inputSpecOf(model.header), ours = inputSpec(config);
  if (theirs.scale !== ours.scale || theirs.deskew !== ours.deskew) {
    const say = (s: typeof ours) => `${s.scale === 1 ? 'raw' : 'unit'} scale, ${s.deskew ? 'deskewed' : 'not deskewed'}`;
    throw new TeacherError(`--teacher ${d.teacher} reads its input ${say(theirs)}, this run ${say(ours)}: the teacher must see the student's inputs (match --scale and --deskew)`);
  }
  const claimed = model.header.metadata.testAccuracy;
  return {
    network: model.network,
    settings: { ...d, teacherVersion: model.version, teacherArchitecture: networkName(model.network), teacherTestAccuracy: typeof claimed === 'number' ? claimed : null },
  };
}
