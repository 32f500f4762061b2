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
 * free: every accepted request stays inside the Workers Free plan's 10 ms of CPU at p99, measured by
 * `npm run bench:edge` on a slow, busy 2-core machine. the costliest classes: a batch whose every
 * pixel is inked (the forward pass cannot skip zeros: with the default 784-256-10 up to ~0.45 ms an
 * image there, 3× an MNIST digit; 24 such images measured 11.4 ms at p99, 16 fit),
 * and a PNG with the most pixels and pixel data (inflating, unfiltering and averaging cost per byte
 * and per pixel; preprocessing a fixed ~1.5 ms on the image averaged down to 128 px).
 * sides up to 640 px so a number on a 600×200 pad (POST /read) fits; the pixel data limit still bounds decoding.
 * paid (Workers Paid, 30 s of CPU): the limits this API had before it was measured, for 1024² photos
 * and 256-image batches.
 */
export const LIMITS: Record<Plan, Limits> = {
  free: { plan: 'free', jsonBytes: 64 * KiB, imageBytes: 128 * KiB, imageSide: 640, imageDataBytes: 160 * KiB, batchImages: 16, batchJsonBytes: 96 * KiB },
  paid: { plan: 'paid', jsonBytes: 64 * KiB, imageBytes: MiB, imageSide: 1024, imageDataBytes: 8 * MiB, batchImages: 256, batchJsonBytes: MiB },
};

/** the limits for the WORKERS_PLAN setting; anything but "paid" gets the free plan's */
export const limitsFor = (plan: string | undefined): Limits => (plan === 'paid' ? LIMITS.paid : LIMITS.free);
