// every size limit of the API, per Workers plan: the Worker enforces them, clients and the edge bench
// read them. WORKERS_PLAN in wrangler.toml's [vars] picks one.

export const KiB = 1024;
export const MiB = 1024 * KiB;

export type Plan = 'free' | 'paid';

export interface Limits {
  plan: Plan;
  /** bytes of JSON for POST /classify */
  jsonBytes: number;
  /** bytes of a PNG, raw or in a multipart form */
  imageBytes: number;
  /** widest and tallest PNG, in pixels */
  imageSide: number;
  /** a PNG's pixel data once inflated (height × bytes per row): what decoding time grows with */
  imageDataBytes: number;
  /** images in one POST /classify/batch */
  batchImages: number;
  /** bytes of JSON for POST /classify/batch */
  batchJsonBytes: number;
}

/**
 * free: every accepted request stays inside the Workers Free plan's 10 ms of CPU at p99 (main thread),
 * measured by `npm run bench:edge` on a slow, busy 2-core machine, and sized for what people send:
 * a 280×280 RGBA canvas export (306 KiB of pixel data), a 600×200 RGBA wide pad (469 KiB) and a batch
 * of 64 images. the costliest classes: 64 fully inked images (the forward pass cannot skip zeros; the
 * 4-image blocked kernel, kernels/linear.ts linearForwardBatched, brings them to ~0.1 ms an image),
 * their JSON as Python writes it (", " separators: ~250 KB to parse), and a PNG with the most pixel data
 * (inflating, unfiltering and averaging cost per byte and per pixel; preprocessing a fixed ~1 ms on the
 * image averaged down to 128 px). figures: README "CPU per request" and the PR that set these.
 * paid (Workers Paid, 30 s of CPU): 1024² photos and 256-image batches.
 */
export const LIMITS: Record<Plan, Limits> = {
  free: { plan: 'free', jsonBytes: 64 * KiB, imageBytes: 128 * KiB, imageSide: 640, imageDataBytes: 480 * KiB, batchImages: 64, batchJsonBytes: 256 * KiB },
  paid: { plan: 'paid', jsonBytes: 64 * KiB, imageBytes: MiB, imageSide: 1024, imageDataBytes: 8 * MiB, batchImages: 256, batchJsonBytes: MiB },
};

/** the limits for the WORKERS_PLAN setting; anything but "paid" gets the free plan's */
export const limitsFor = (plan: string | undefined): Limits => (plan === 'paid' ? LIMITS.paid : LIMITS.free);
