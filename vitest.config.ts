import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // CI shares a 2-core machine with Java (jing), Python and Go readers; time limits only catch hangs.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
