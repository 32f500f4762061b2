import { D } from '../../shared/dims';
import { fontTrainingSet } from '../synth/font-set';
import { writeGrid } from '../synth/grid';
const c0 = process.cpuUsage();
const set = fontTrainingSet(3, 3);
console.log('renders', set.count, 'ms each', ((process.cpuUsage(c0).user / 1000) / set.count).toFixed(2));
const imgs = [];
for (let i = 0; i < set.count; i++) imgs.push(Float32Array.from(set.images.subarray(i * D, (i + 1) * D), (v) => v / 255));
writeGrid('/tmp/fontgrid.png', imgs, 20, 2);
