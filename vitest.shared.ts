import { defineConfig } from 'vitest/config';

/**
 * Base vitest config merged by every package. The `@prefstream/source` condition makes
 * workspace packages resolve to their TypeScript sources, so tests never need a build.
 */
export default defineConfig({
  resolve: { conditions: ['@prefstream/source'] },
  ssr: { resolve: { conditions: ['@prefstream/source'] } },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 1,
    isolate: true,
  },
});
