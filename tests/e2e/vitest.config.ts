import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests of the studio in headless Chromium against the real server. Kept out of the
 * root suite (files end in .e2e.ts, not .test.ts): run with `npm run test:e2e`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  resolve: {
    alias: { '@': fileURLToPath(new URL('../../src', import.meta.url)) },
  },
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    // expect.poll waits for visible state; its 1 s default is too short on a loaded 2-core CI machine.
    expect: { poll: { timeout: 30_000, interval: 100 } },
    pool: 'forks',
    fileParallelism: false,
  },
});
