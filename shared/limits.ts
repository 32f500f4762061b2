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
  /**
   * images in a batch's JSON that cannot be read straight from its bytes (escaped or repeated keys,
   * worker/batch-json.ts) and goes through JSON.parse and the checks, which cost more an image
   */
  batchParsedImages: number;
  /**
   * non-zero network inputs over one batch, counted after preprocessing and deskewing: what the
   * first layer's work grows with (kernels/linear.ts skips zeros), so a batch of real digits gets
   * every image the plan takes while one of fully inked images is priced by its ink
   */
  batchInkedInputs: number;
  /**
   * POST /read's budget for one picture, in line columns (7 µs of CPU: what one column of a line scaled
   * to 28 rows, read at one phase, cost before blank paper was folded out of the line reader's work,
   * shared/model/line-fold.ts): decoding and cutting spend their share of it first
   * (shared/model/read-cost.ts), and the line reader reads its lines, each phase counted and each line
   * charged for its columns and its inked cells, within the rest. groups past it keep the cuts' reading
   */
  readLineColumns: number;
  /**
   * how many phases of its frames the line reader reads each line at, at least (shared/model/line-reader.ts
   * readLine), each costing the line's charge again: a picture whose lines fit 2 or 4 times in the
   * columns is read at that many (read.ts)
   */
  readLinePhases: number;
}

/**
 * free: every accepted request stays inside the Workers Free plan's 10 ms of CPU at p99 (main thread),
 * measured by `npm run bench:edge` on a slow 2-core machine shared with other jobs (load average 5–13),
 * and sized for what people send. PNGs: a 280×280 RGBA canvas export (306 KiB of pixel data: 3.1 ms p50)
 * and a 600×200 RGBA wide pad (469 KiB: 4.4 ms p50) fit; the costliest accepted PNGs are the noisiest
 * that fit 128 KiB with the most pixels or pixel data: 600² 8-bit gray (352 KiB, 360k pixels) and 283²
 * 16-bit RGB (470 KiB), ~7–8 ms p50 and 9.5–11 ms main-thread p99 as the machine's load varies (640²
 * gray measured 8.6–8.7 ms p50: the side stops at 600). batches: the costliest is every pixel inked
 * (the forward pass cannot skip zeros: kernels/linear.ts linearForwardBatched is ~5.3 ms of 64 such
 * images' ~8.5). JSON in the shape clients write is read straight from its bytes (worker/batch-json.ts),
 * yet 64 fully inked images still measured 8.7–9.0 ms p50 and 9.8–10.5 ms main-thread p99 on an idle
 * machine (bytes: 8.0 / 8.8–12.1), over the budget. so the plan takes 64 images but at most 32,000
 * non-zero inputs (batchInkedInputs: ~40 fully inked images; 64 MNIST test digits hold ~11,300 on
 * average, 21,504 if each were the inkiest); a denser batch is a 413 that says how to split it, found
 * before the forward pass. at 40,000 (50 images inked edge to edge, 14 a dot) the batch measured 7.4–7.6 ms
 * p50 but 8.3–10.3 ms main-thread p99 as JSON: once the isolate's heap has grown, a collection lands on
 * it, so the budget keeps that much room below 10 ms. 256 KiB of JSON holds 64 fully inked images
 * as json.dumps writes them (", ": 224 KiB). JSON that must go through JSON.parse and the checks
 * (escaped or repeated keys) costs ~0.05 ms more an image and its garbage shows at p99: 32 fully inked
 * measured 5.2 ms p50 but 9.9 ms main-thread p99, so the plan takes 24 of those.
 * POST /read decodes the same PNGs (a number on a 600×200 pad) and JPEG photos. one picture's reading
 * may spend 1,000 line columns (readLineColumns; ~7 µs of CPU a column): decoding a 600×200 gray PNG is
 * charged ~515 of them, a grained RGBA one ~1,010, a 512² JPEG ~960 (each with the cutting's passes over
 * its ink map), cutting 12 touching digits ~380, and the line reader reads within what is left (the
 * groups of 6 overlapping digits on that pad are charged ~150 columns a phase, of 12 ~300): a small
 * picture cut cheaply reads its lines at 2 or 4 phases. the 1,000 were chosen when every column cost
 * 7 µs: no /read class of bench:edge then read more columns than the fixed 320 columns and their tapers
 * had given it, and at 1,050 and 1,100 the 640×480 photo of 6 thick digits read 50–100 more and measured
 * 0.2–0.9 ms more p50, side by side in bench:edge, its main-thread p99 10–11 ms on a busy machine. the
 * reader has since folded blank paper out of its work, which the charge follows (read-cost.ts
 * lineColumns): the same budget in CPU reads more of a line's frames where it has blank paper.
 * paid (Workers Paid, 30 s of CPU): 1024² photos and 256-image batches.
 */
export const LIMITS: Record<Plan, Limits> = {
  free: { plan: 'free', jsonBytes: 64 * KiB, imageBytes: 128 * KiB, imageSide: 600, imageDataBytes: 470 * KiB, batchImages: 64, batchJsonBytes: 256 * KiB, batchParsedImages: 24, batchInkedInputs: 32_000, readLineColumns: 1000, readLinePhases: 1 },
  paid: { plan: 'paid', jsonBytes: 64 * KiB, imageBytes: MiB, imageSide: 1024, imageDataBytes: 8 * MiB, batchImages: 256, batchJsonBytes: MiB, batchParsedImages: 256, batchInkedInputs: 256 * 784, readLineColumns: 16_000, readLinePhases: 4 },
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
