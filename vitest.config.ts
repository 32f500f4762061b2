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
    ],
  },
});
