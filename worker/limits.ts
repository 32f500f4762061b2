// every size limit of the API, per Workers plan. WORKERS_PLAN in wrangler.toml's [vars] picks one.

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

export const LIMITS: Record<Plan, Limits> = {
  free: { plan: 'free', jsonBytes: 64 * KiB, imageBytes: 256 * KiB, imageSide: 512, imageDataBytes: 256 * KiB, batchImages: 64, batchJsonBytes: 256 * KiB },
  paid: { plan: 'paid', jsonBytes: 64 * KiB, imageBytes: MiB, imageSide: 1024, imageDataBytes: 8 * MiB, batchImages: 256, batchJsonBytes: MiB },
};

/** the limits for the WORKERS_PLAN setting; anything but "paid" gets the free plan's */
export const limitsFor = (plan: string | undefined): Limits => (plan === 'paid' ? LIMITS.paid : LIMITS.free);
