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
 * measured by `npm run bench:edge` on a slow, busy 2-core machine (load average ~13), and sized for what
 * people send. PNGs: a 280×280 RGBA canvas export (306 KiB of pixel data: 3.1 ms p50, 3.8 ms p99) and a
 * 600×200 RGBA wide pad (469 KiB: 4.3 / 4.9 ms) fit; the costliest accepted PNG is the noisiest 640²
 * 8-bit gray that fits 128 KiB (400 KiB to inflate and unfilter: 8.6 / 9.5 ms). batches: the costliest
 * is every pixel inked (the forward pass cannot skip zeros; kernels/linear.ts linearForwardBatched runs
 * four images per load of a weight row, ~0.09 ms an image) sent as JSON, whose parse and garbage add
 * ~0.07 ms an image at p99: 64 such images measured 11.9 ms p50, 15.4 ms p99 as JSON (11.2 ms p99 as
 * bytes), so the plan takes 32 (~8 ms p99); 256 KiB of JSON would hold 64, 128 KiB holds 32 as Python's
 * json.dumps writes them (", " separators).
 * paid (Workers Paid, 30 s of CPU): 1024² photos and 256-image batches.
 */
export const LIMITS: Record<Plan, Limits> = {
  free: { plan: 'free', jsonBytes: 64 * KiB, imageBytes: 128 * KiB, imageSide: 640, imageDataBytes: 480 * KiB, batchImages: 32, batchJsonBytes: 128 * KiB },
  paid: { plan: 'paid', jsonBytes: 64 * KiB, imageBytes: MiB, imageSide: 1024, imageDataBytes: 8 * MiB, batchImages: 256, batchJsonBytes: MiB },
};

/** the limits for the WORKERS_PLAN setting; anything but "paid" gets the free plan's */
export const limitsFor = (plan: string | undefined): Limits => (plan === 'paid' ? LIMITS.paid : LIMITS.free);
