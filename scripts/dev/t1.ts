import { loadMnist } from '../lib/mnist';
import { DEFAULT_CONFIG } from '../train/config';
import { train } from '../train/engine';
import { sha256Hex } from '../../shared/checksum';
const data = loadMnist();
for (const threads of [1, 2]) {
  const r = await train({ ...DEFAULT_CONFIG, epochs: 1, threads, trainLimit: 6000 }, data, { onEpoch: (e) => console.log(JSON.stringify({ ...e, confusion: undefined })) });
  console.log(threads, r.trainSamplesPerSec.toFixed(0), await sha256Hex(new Uint8Array(r.network.params.buffer)));
}
