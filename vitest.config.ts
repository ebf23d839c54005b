import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'packages/*/src/**/*.test.ts'],
    // Every component the suite needs is built once, up front, into the shared cache (test/setup/prebuild.ts).
    globalSetup: ['test/setup/prebuild.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
