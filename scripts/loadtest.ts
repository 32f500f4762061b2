// npm run loadtest -- [--url http://localhost:8787] [--seconds 20] [--connections 32]:
// real classify requests (MNIST test images) against the running Worker, then the same load
// on GET /healthz (no inference), so the cost of classification shows as a ratio.
import autocannon, { type Result } from 'autocannon';
import { parseArgs } from 'node:util';
import { D } from '../shared/dims';
import { loadMnist } from './lib/mnist';
import { runCli } from './lib/cli';
import { DEFAULT_URL, waitReady } from './lib/worker-url';

function run(opts: autocannon.Options): Promise<Result> {
  return new Promise((ok, fail) => autocannon(opts, (err, result) => (err ? fail(err) : ok(result))));
}

const line = (name: string, r: Result) =>
  `${name.padEnd(22)} ${Math.round(r.requests.average).toString().padStart(7)} req/s   p50 ${String(r.latency.p50).padStart(4)} ms   p99 ${String(r.latency.p99).padStart(4)} ms   ` +
  `${r.requests.total} requests, ${r.errors} errors, ${r.non2xx} non-2xx, ${r.timeouts} timeouts`;

runCli(async () => {
  const { values } = parseArgs({ options: { url: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' } } });
  const url = values.url ?? DEFAULT_URL;
  const duration = Number(values.seconds ?? 20);
  const connections = Number(values.connections ?? 32);
  await waitReady(url);
  const test = loadMnist().test;
  // 200 different real images, cycled, so no layer can answer from a cache of one body
  const bodies = Array.from({ length: 200 }, (_, i) => JSON.stringify({ pixels: Array.from(test.images.subarray(i * D, (i + 1) * D)) }));
  let n = 0;
  console.log(`${connections} connections, ${duration} s each, against ${url}\n`);
  const classify = await run({
    url: `${url}/classify`, connections, duration,
    requests: [{ method: 'POST', headers: { 'content-type': 'application/json' }, setupRequest: (req) => ({ ...req, body: bodies[n++ % bodies.length] }) }],
  });
  console.log(line('POST /classify', classify));
  const health = await run({ url: `${url}/healthz`, connections, duration });
  console.log(line('GET /healthz', health));
  console.log(`\nclassification costs ${(health.requests.average / classify.requests.average).toFixed(2)}× the throughput of a route without inference`);
  if (classify.errors + classify.non2xx + classify.timeouts > 0) {
    console.error('classify requests failed under load');
    return 1;
  }
});
