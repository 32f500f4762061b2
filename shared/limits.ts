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

/** the JPEG limits of a plan (beside LIMITS so each format's limits can change on their own) */
export interface JpegPlanLimits {
  /** bytes of a JPEG, raw or in a multipart form: what decoding time grows with (each block is read, then reduced) */
  jpegBytes: number;
  /** most pixels its header may declare (width × height): what memory grows with */
  jpegPixels: number;
}

/**
 * free: measured by `npm run bench:edge -- --only JPEG` on a busy 2-core machine: decoding reads every
 * entropy-coded byte but turns each 8×8 block into 1×1 pixels for anything over ~1000 px (a progressive
 * file's AC scans are then skipped unread), so the CPU follows the file's bytes: a 1920×1080 photo of
 * 173 KiB costs 5.6 ms p50 / 6.8 ms main-thread p99, the costliest accepted class (a 512² progressive
 * photo, decoded at 2×2 a block) 6.8 / 8.9 ms. a 12-megapixel phone photo is refused from its header.
 * paid: a 16-megapixel phone photo at full quality.
 */
export const JPEG_LIMITS: Record<Plan, JpegPlanLimits> = {
  free: { jpegBytes: 192 * KiB, jpegPixels: 2_100_000 },
  paid: { jpegBytes: 8 * MiB, jpegPixels: 16_800_000 },
};
