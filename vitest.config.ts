import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// two kinds of tests: pure TypeScript under Node (unit) and the Worker inside workerd (worker)
export default defineConfig({
  test: {
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
        // the Worker inside workerd, with the KV and rate-limit bindings from wrangler.toml
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            // re-read the model pointer every second so tests can watch a new upload get picked up
            miniflare: { bindings: { MODEL_REFRESH_SECONDS: '1' } },
          }),
        ],
        test: {
          name: 'worker',
          include: ['test/worker/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
