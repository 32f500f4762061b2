// CPU time of the Worker's forward pass (createPredictor, as worker/model-loader.ts uses it) for the
// default model and bigger ones, in V8: the measurement behind the limits in shared/model/budget.ts.
// usage: nice -n 10 npx tsx scripts/dev/forward-cost.ts [--quick] [--sizes 784-334-10,784-128-10] [--arch 'conv16s2,conv32s2,64;256']
// (--arch: the trainer's --arch lists, separated by ';')
// inputs: real MNIST test digits (~19% of pixels lit; the kernels skip zeros) and dense images (every
// pixel lit, the worst case a client can send with preprocess off). CPU time from process.cpuUsage,
// the median of several rounds, so other processes on the machine inflate it less than wall time.
import { parseArgs } from 'node:util';
import { D } from '../../shared/dims';
import { convName, convSizes, createNetwork, initHe, paramCount, type LayerKind } from '../../shared/model/network';
import { parseArch } from '../train/cli';
import { createPredictor } from '../../shared/model/predict';
import { forwardMultiplyAdds } from '../../shared/model/budget';
import { createRng } from '../../shared/rng';
import { loadMnist } from '../lib/mnist';

const { values: flags } = parseArgs({ options: { quick: { type: 'boolean' }, sizes: { type: 'string' }, arch: { type: 'string' } } });
const quick = flags.quick ?? false;
const dense = (sizes: number[]) => ({ sizes, kinds: undefined as LayerKind[] | undefined, name: sizes.join('-') });
const ARCHITECTURES = flags.arch
  ? flags.arch.split(';').map((a) => {
    const { conv, hidden } = parseArch(a);
    return { sizes: [...convSizes(28, conv), ...hidden, 10], kinds: [...conv, ...hidden.map((): LayerKind => 'dense'), 'dense' as LayerKind], name: [D, ...conv.map(convName), ...hidden, 10].join('-') };
  })
  : (flags.sizes?.split(',').map((s) => s.split('-').map(Number)) ??
    [[D, 128, 10], [D, 256, 128, 10], [D, 334, 10], [D, 512, 10], [D, 1024, 10], [D, 2048, 10], [D, 1024, 1024, 10], [D, 4096, 4096, 10]]).map(dense);
const BATCHES = [1, 64, 256];
const ROUNDS = quick ? 3 : 7;
/** each round runs at least this long, so the timer's resolution does not matter */
const ROUND_MS = quick ? 20 : 60;

const cpuMs = () => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};

const test = loadMnist().test;
const rng = createRng(7);
const images = (B: number, dense: boolean): number[][] =>
  Array.from({ length: B }, (_, b) => {
    if (dense) return Array.from({ length: D }, () => 1 + rng.int(255));
    return Array.from(test.images.subarray(b * D, (b + 1) * D));
  });

/** CPU ms of one predict call for a batch of B: the median over rounds */
function timePredict(sizes: number[], kinds: LayerKind[] | undefined, B: number, dense: boolean): number {
  const net = createNetwork(sizes, undefined, kinds);
  initHe(net, createRng(1));
  const predictor = createPredictor(net);
  const batch = images(B, dense);
  predictor.predict(batch); // warm up: compile, allocate the workspace
  const perCall: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let calls = 0;
    const start = cpuMs();
    let now = start;
    while (now - start < ROUND_MS || calls < 2) {
      predictor.predict(batch);
      calls++;
      now = cpuMs();
    }
    perCall.push((now - start) / calls);
  }
  perCall.sort((a, b) => a - b);
  return perCall[perCall.length >> 1];
}

const fmt = (ms: number) => (ms < 1 ? `${(ms * 1000).toFixed(0)} µs` : `${ms.toFixed(2)} ms`);
console.log(`node ${process.version}, V8 ${process.versions.v8}; CPU time per predict() call, median of ${ROUNDS} rounds\n`);
console.log('sizes                  params   MiB f32  mult-adds/img | batch  MNIST digits      dense        dense ns/mult-add');
for (const { sizes, kinds, name } of ARCHITECTURES) {
  const macs = forwardMultiplyAdds(sizes, kinds);
  const params = paramCount(sizes, kinds);
  const head = `${name.padEnd(20)} ${String(params).padStart(9)} ${((params * 4) / 2 ** 20).toFixed(1).padStart(8)} ${String(macs).padStart(14)} |`;
  for (const B of BATCHES) {
    if (macs * B > 2e9 || (quick && macs * B > 2e8)) continue; // minutes per round: the point is made by smaller batches
    const mnist = timePredict(sizes, kinds, B, false);
    const dense = timePredict(sizes, kinds, B, true);
    const nsPerMac = (dense * 1e6) / (macs * B);
    console.log(`${B === BATCHES[0] ? head : ' '.repeat(head.length - 1) + '|'} ${String(B).padStart(5)}  ${fmt(mnist).padStart(10)}  ${fmt(dense).padStart(12)}  ${nsPerMac.toFixed(2).padStart(10)}`);
  }
}
