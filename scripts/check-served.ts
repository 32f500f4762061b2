// npm run check:served -- [--url http://localhost:8787] [--limit N]: sends the MNIST test images
// through the running Worker's POST /classify, one request per image, and compares its accuracy
// with the accuracy the model file reports.
import { parseArgs } from 'node:util';
import { D } from '../shared/dims';
import { percent } from './lib/format';
import { loadMnist } from './lib/mnist';
import { runCli } from './lib/cli';
import { DEFAULT_URL, waitReady } from './lib/worker-url';

runCli(async () => {
  const { values } = parseArgs({ options: { url: { type: 'string' }, limit: { type: 'string' }, concurrency: { type: 'string' } } });
  const url = values.url ?? DEFAULT_URL;
  await waitReady(url);
  const model = (await (await fetch(`${url}/model`)).json()) as { version: string; testAccuracy: number | null };
  const test = loadMnist().test;
  const n = Math.min(test.count, Number(values.limit ?? test.count));
  const concurrency = Number(values.concurrency ?? 16);
  let next = 0, correct = 0, failed = 0;
  const versions = new Set<string>();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const pixels = Array.from(test.images.subarray(i * D, (i + 1) * D));
        const r = await fetch(`${url}/classify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ pixels }) });
        if (!r.ok) {
          failed++;
          continue;
        }
        const body = (await r.json()) as { digit: number; model: { version: string } };
        versions.add(body.model.version);
        if (body.digit === test.labels[i]) correct++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const accuracy = correct / n;
  console.log(`${n} test images through ${url}/classify in ${seconds.toFixed(1)} s (${Math.round(n / seconds)} req/s, ${failed} failed)`);
  console.log(`served accuracy ${percent(accuracy)} · model ${[...versions].join(', ')} reports ${model.testAccuracy === null ? 'no measured accuracy' : percent(model.testAccuracy)}`);
  if (failed > 0 || (n === test.count && model.testAccuracy !== null && Math.abs(accuracy - model.testAccuracy) > 1e-9)) {
    console.error('the served answers do not match the accuracy `npm run upload` measured');
    return 1;
  }
});
