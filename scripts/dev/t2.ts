import { loadMnist } from '../lib/mnist';
import { DEFAULT_CONFIG } from '../train/config';
import { train } from '../train/engine';
const data = loadMnist();
for (const threads of [1, 2]) {
  const r = await train({ ...DEFAULT_CONFIG, epochs: 2, threads }, data, { onEpoch: (e) => console.log(threads, e.epoch, e.seconds.toFixed(2), e.samplesPerSec.toFixed(0), e.testAccuracy) });
}
