import { layerShapes, paramCount, type LayerKind } from './network';

// what a model may cost to serve from one Worker (Workers Free: 10 ms CPU per request, 128 MB per
// isolate). `npm run upload` refuses a model outside these limits and the Worker refuses to load one,
// falling back as for a corrupt file. both read this file, so the two can never disagree.
//
// measured with scripts/dev/forward-cost.ts (CPU time of createPredictor().predict in Node 22's V8 on
// this project's 2-core machine, shared with other jobs, so the figures are upper-ish bounds):
//   sizes              multiply-adds  one dense image  one MNIST digit  batch of 256 digits / dense
//   784-128-10 (default)     101,632       91–142 µs          19–34 µs       5.9–8.9 ms / 20–31 ms
//   784-256-128-10           234,752      222–287 µs          44–74 µs          19 ms / 55–59 ms
//   784-330-10 (the limit)   262,020      349–366 µs          59–69 µs          13 ms / 61 ms
//   784-1024-10              813,056          597 µs            183 µs          56 ms / 177 ms
//   784-4096-4096-10      20,029,440         10.9 ms            10.7 ms      (1 image misses the budget)
// the kernels skip zero inputs, so a dense image (every pixel lit, which a client can send with
// preprocessing off) is the worst case: 0.8–1.4 ns per multiply-add.

/** weights in the forward pass per image: Σ sizes[l] · sizes[l+1] for dense layers; a conv layer's weights once per output position (OH·OW·KH·KW·IC·OC) */
export function forwardMultiplyAdds(sizes: readonly number[], kinds?: readonly LayerKind[]): number {
  let n = 0;
  for (const s of layerShapes(sizes, kinds)) n += s.conv ? s.conv.OH * s.conv.OW * s.rows * s.cols : s.rows * s.cols;
  return n;
}

/** activations per image (every layer's outputs): what a batch's workspace holds per image */
export function unitsPerImage(sizes: readonly number[]): number {
  let n = 0;
  for (let l = 1; l < sizes.length; l++) n += sizes[l];
  return n;
}

export const MODEL_BUDGET = {
  /**
   * one dense image then costs at most ~0.37 ms (0.07 ms for a real digit), which leaves a single
   * classify room for reading its request inside 0.5 ms; a 10 ms batch holds ~28 dense images or
   * ~170 digits at this size (the default model: ~70 dense, ~250 digits). 2^18 keeps the README's
   * `--hidden 256,128` in; 784-330-10 is the widest single hidden layer that fits.
   */
  multiplyAdds: 262_144,
  /** every layer is a pass over the batch with its own fixed cost: a deep chain of tiny layers is not cheap */
  layers: 8,
  /** the forward workspace holds B × units float32 twice (activations and gradients): 8 MiB at 256 images */
  units: 4096,
  /** the decoded network is float32 whatever the file's dtype: ~1 MiB. an MLP's weights are its multiply-adds, plus a bias per unit */
  params: 262_144 + 4096,
  /**
   * the file is read from KV on every load, kept for GET /model/weights and downloaded by browsers:
   * a float32 file at the parameter limit (1,064,960 bytes of payload) plus the largest header fits.
   * checked before decoding, so an oversized file is never expanded into float32.
   */
  bytes: 1.25 * 1024 * 1024,
} as const;

const count = (n: number) => n.toLocaleString('en-US');

/**
 * why a model of these sizes and file size would not fit a Worker: empty when it fits.
 * `sizes` is unknown before the file is decoded: the file size alone is checked then.
 */
export function budgetProblems(bytes: number, sizes?: readonly number[], kinds?: readonly LayerKind[]): string[] {
  const b = MODEL_BUDGET;
  const problems: string[] = [];
  if (bytes > b.bytes) problems.push(`the file is ${count(bytes)} bytes (limit ${count(b.bytes)})`);
  if (sizes === undefined) return problems;
  const params = paramCount(sizes, kinds);
  if (params > b.params) problems.push(`${count(params)} parameters (limit ${count(b.params)})`);
  const macs = forwardMultiplyAdds(sizes, kinds);
  if (macs > b.multiplyAdds) problems.push(`${count(macs)} multiply-adds per image (limit ${count(b.multiplyAdds)})`);
  if (sizes.length - 1 > b.layers) problems.push(`${sizes.length - 1} layers (limit ${b.layers})`);
  const units = unitsPerImage(sizes);
  if (units > b.units) problems.push(`${count(units)} units per image (limit ${count(b.units)})`);
  return problems;
}

/** the sentence errors use: "784-4096-4096-10 does not fit a Worker: …" */
export function describeBudgetProblems(problems: readonly string[]): string {
  return `does not fit a Worker's CPU and memory budget: ${problems.join(', ')}`;
}
