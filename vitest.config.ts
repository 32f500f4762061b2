import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * the slow training checks start first, so that the other files run beside them on the other core rather
 * than after them: test/unit/recipe-prefix.test.ts (the default recipe's first steps, seconds) and, with
 * FULL_REBUILD=1, test/unit/default-model.test.ts (the whole default model, minutes, on one thread).
 * with --sequence.shuffle the rest comes in the seeded random order.
 */
class RebuildFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { shuffle, seed } = this.ctx.config.sequence;
    const sorted = shuffle ? seededShuffle(files, seed) : await super.sort(files);
    const rebuild = (f: TestSpecification) => /\/(default-model|recipe-prefix)\.test\.ts$/.test(f.moduleId);
    return [...sorted.filter(rebuild), ...sorted.filter((f) => !rebuild(f))];
  }
}

/** fisher-yates with a small lcg: the same seed gives the same order */
function seededShuffle<T>(items: T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// three kinds of tests: pure TypeScript under Node (unit), the Worker inside workerd (worker), and the
// pages in a browser against wrangler dev (e2e)
export default defineConfig({
  test: {
    sequence: { sequencer: RebuildFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          testTimeout: 180_000,
        },
      },
      {
        // the Worker inside workerd, with the KV, D1 and rate-limit bindings from wrangler.toml
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: './wrangler.toml' },
            // re-read the model pointer every second so tests can watch a new upload get picked up;
            // the D1 migrations, which test/worker/setup.ts applies to each test file's fresh database
            miniflare: { bindings: { MODEL_REFRESH_SECONDS: '1', TEST_MIGRATIONS: await readD1Migrations('migrations') } },
          })),
        ],
        // model files as data: URLs (test/worker/read.test.ts publishes the committed default model)
        assetsInclude: ['**/*.bin'],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          setupFiles: ['test/worker/setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        // a real browser (Debian's /usr/bin/chromium through playwright-core) against `wrangler dev`
        // serving the committed default model (models/default.bin); global-setup.ts uploads it and its
        // int8 copy and starts a worker for each
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/global-setup.ts'],
          // sized for a 2-core machine shared with other work: a browser, two workerd and the tests
          testTimeout: 120_000,
          hookTimeout: 120_000,
          expect: { poll: { timeout: 30_000, interval: 100 } },
        },
      },
    ],
  },
});
